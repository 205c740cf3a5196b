// Every message an administrator can see about webhooks, in one place.
export const LIMITS = {
  url: 2000,
  description: 500,
  /** Messages listed per endpoint at most. */
  deliveries: 100,
} as const;

export const messages = {
  urlRequired: 'Please enter the URL that receives the webhooks, e.g. https://example.com/hooks.',
  urlTooLong: `The URL can be at most ${LIMITS.url} characters.`,
  urlInvalid:
    'The URL must be an absolute http:// or https:// URL without a user name or password.',
  urlForbidden:
    'The URL points at a private or reserved address; webhooks are only sent to public addresses.',
  eventsRequired: 'Choose at least one event to receive.',
  descriptionTooLong: `The description can be at most ${LIMITS.description} characters.`,
  endpointNotFound: 'There is no webhook endpoint with this id.',
  deliveryNotFound: 'There is no webhook delivery with this id.',
  endpointDisabled: 'The endpoint is disabled: enable it before redelivering.',
} as const;
