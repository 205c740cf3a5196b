import { buildSchema, type GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DOMAIN_EVENT_TYPES } from '../../src/db/domain-events.js';
import { printedSchema } from '../../src/graphql/print-schema.js';
import { eventName, eventType, listedEvents } from '../../src/modules/webhooks/events.js';

describe('webhook events', () => {
  it('has a WebhookEvent for every domain event, one to one (a new domain event needs its enum value)', () => {
    const schema = buildSchema(printedSchema());
    const values = (schema.getType('WebhookEvent') as GraphQLEnumType)
      .getValues()
      .map((v) => v.name);
    expect(DOMAIN_EVENT_TYPES.map(eventName).sort()).toEqual([...values].sort());
    for (const type of DOMAIN_EVENT_TYPES) expect(eventType(eventName(type))).toBe(type);
    expect(eventName('comment.status_changed')).toBe('COMMENT_STATUS_CHANGED');
    expect(eventType('COMMENT_EATEN')).toBeNull();
  });

  it('reads the listed events of a row in the canonical order, dropping unknown ones', () => {
    expect(listedEvents('comment.approved,nonsense,post.published')).toEqual([
      'post.published',
      'comment.approved',
    ]);
    expect(listedEvents('')).toEqual([]);
  });
});
