// Every message an administrator can see about share targets, in one place.
export const LIMITS = {
  key: 50,
  name: 100,
  label: 100,
  urlTemplate: 500,
  retiredReason: 300,
} as const;

export const messages = {
  keyRequired: 'Please give the target a key, e.g. mastodon.',
  keyInvalid:
    'The key may contain only lowercase letters a–z, digits and single hyphens between words, e.g. hacker-news.',
  keyTooLong: `The key can be at most ${LIMITS.key} characters.`,
  keyTaken: 'Another share target already uses this key.',
  nameRequired: 'Please enter the service name, e.g. Mastodon.',
  nameTooLong: `The name can be at most ${LIMITS.name} characters.`,
  labelRequired: 'Please enter the button text, e.g. Share on Mastodon.',
  labelTooLong: `The label can be at most ${LIMITS.label} characters.`,
  templateRequired: 'Please enter the URL template, e.g. https://example.com/share?url={url}.',
  templateTooLong: `The URL template can be at most ${LIMITS.urlTemplate} characters.`,
  templateScheme: 'The URL template must start with https:// or mailto:.',
  templatePlaceholder: (found: string) =>
    `Unknown placeholder ${found}: only {url}, {title} and {excerpt} can be used.`,
  templateBraces: 'Braces may only be used in the placeholders {url}, {title} and {excerpt}.',
  templateHost: 'The host of the URL must be written out; placeholders may not be part of it.',
  templateInvalid: 'The URL template does not make a valid URL.',
  reasonRequired: 'Say why the target is retired, e.g. that the service closed.',
  reasonTooLong: `The reason can be at most ${LIMITS.retiredReason} characters.`,
  targetNotFound: 'There is no share target with this key.',
  unknownKey: (key: string) => `There is no share target with the key "${key}".`,
  duplicateKey: (key: string) => `The key "${key}" is listed twice.`,
} as const;
