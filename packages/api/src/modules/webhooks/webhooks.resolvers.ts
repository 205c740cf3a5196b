import type { Resolvers } from '../../generated/graphql.js';
import type { DomainEventType } from '../../db/domain-events.js';
import { eventName, listedEvents } from './events.js';

export const webhooksResolvers: Resolvers = {
  Query: {
    webhookEndpoints: (_, __, { services, viewer }) => services.webhooks.list(viewer),
    webhookEndpoint: (_, { id }, { services, viewer }) => services.webhooks.get(viewer, id),
  },
  Mutation: {
    createWebhookEndpoint: (_, { input }, { services, viewer }) =>
      services.webhooks.create(viewer, input),
    updateWebhookEndpoint: (_, { id, input }, { services, viewer }) =>
      services.webhooks.update(viewer, id, input),
    rotateWebhookSecret: (_, { id }, { services, viewer }) =>
      services.webhooks.rotateSecret(viewer, id),
    deleteWebhookEndpoint: async (_, { id }, { services, viewer }) => {
      const errors = await services.webhooks.delete(viewer, id);
      return { deletedId: errors.length === 0 ? id : null, errors };
    },
    redeliverWebhook: (_, { id }, { services, viewer }) => services.webhooks.redeliver(viewer, id),
  },
  WebhookEndpoint: {
    id: (e) => String(e.id),
    events: (e) => listedEvents(e.events).map(eventName),
    deliveries: (e, { first }, { services }) => services.webhooks.deliveries(e.id, first),
  },
  WebhookDelivery: {
    id: (d) => String(d.id),
    webhookId: (d) => d.messageId,
    event: (d) => eventName(d.eventType as DomainEventType),
    attempts: (d, _, { loaders }) => loaders.webhookAttempts.load(d.id),
  },
  WebhookAttempt: {
    at: (a) => a.attemptedAt,
  },
};
