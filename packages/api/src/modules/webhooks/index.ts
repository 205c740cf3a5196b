import DataLoader from 'dataloader';
import { RemoteFetcher } from '../../lib/remote/fetch.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { defineModule, type ModuleDeps } from '../module.js';
import type { PostsService } from '../posts/posts.service.js';
import { WebhookDeliverer } from './deliverer.js';
import { webhookEntities, type WebhookAttemptRow } from './entities.js';
import { Webhooks1795479510000 } from './migrations/1795479510000-webhooks.js';
import { webhooksTypeDefs } from './webhooks.graphql.js';
import { webhooksResolvers } from './webhooks.resolvers.js';
import { DELIVER_JOB, WebhooksService, type DeliverPayload } from './webhooks.service.js';

/**
 * Signed webhooks (Standard Webhooks): administrators' endpoints hear the
 * events of the conversation, queued with the write that caused them and
 * delivered by the job queue, with retries (docs/webhooks.md).
 */
export const webhooksModule = defineModule({
  name: 'webhooks',
  typeDefs: [webhooksTypeDefs],
  resolvers: [webhooksResolvers],
  entities: webhookEntities,
  privateTables: ['webhook_endpoints', 'webhook_deliveries', 'webhook_attempts'],
  migrations: [Webhooks1795479510000],
  mappers: {
    WebhookEndpoint: 'entities.js#WebhookEndpointRow',
    WebhookDelivery: 'entities.js#WebhookDeliveryRow',
    WebhookAttempt: 'entities.js#WebhookAttemptRow',
  },
  services: ({ db, config, jobs, posts }: ModuleDeps<{ jobs: JobQueue; posts: PostsService }>) => {
    // The remote-fetch guard (public addresses only, checked at connect time), with the webhook timeout.
    const fetcher = new RemoteFetcher(
      { ...config.remoteFetch, timeoutMs: config.webhooks.timeoutMs, maxRedirects: 0 },
      () => `Colloquy-Webhooks/0.1 (+${config.publicUrl})`,
    );
    return {
      webhooks: new WebhooksService({ db, jobs, config }),
      webhookDeliverer: new WebhookDeliverer({
        db,
        jobs,
        fetcher,
        payloads: { postUrl: (post) => posts.postUrl(post) },
      }),
    };
  },
  loaders: ({ webhooks }) => ({
    /** A delivery's attempts: one statement for every delivery of a log. */
    webhookAttempts: new DataLoader<number, WebhookAttemptRow[]>((ids) => webhooks.attempts(ids), {
      maxBatchSize: 100,
    }),
  }),
  subscribers: ({ webhookDeliverer }) => webhookDeliverer.subscribers(),
  jobs: ({ webhookDeliverer }) => ({
    [DELIVER_JOB]: (payload, attempt) => {
      const { deliveryId, redelivery } = payload as DeliverPayload;
      return webhookDeliverer.deliver(deliveryId, attempt, redelivery === true);
    },
  }),
});
