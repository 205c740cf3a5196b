import { defineModule } from '../module.js';

/**
 * Moderation queues and all-or-nothing bulk status changes, shared by the
 * comments and linkbacks modules (moderation.ts). It has no schema, tables
 * or services of its own.
 */
export const moderationModule = defineModule({ name: 'moderation' });
