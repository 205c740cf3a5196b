// Every message an editor can see about posts, in one place.
export const LIMITS = {
  title: 300,
  slug: 200,
  /** Room left for a "-2", "-3" … suffix on a generated slug. */
  generatedSlug: 190,
  content: 500_000,
  excerpt: 1000,
  tagName: 100,
  tags: 30,
} as const;

export const messages = {
  titleRequired: 'Please give the post a title.',
  titleTooLong: `The title can be at most ${LIMITS.title} characters.`,
  slugInvalid:
    'The slug may contain only lowercase letters a–z, digits and single hyphens between words, e.g. my-first-post.',
  slugTooLong: `The slug can be at most ${LIMITS.slug} characters.`,
  slugTaken: 'Another post already uses this slug.',
  contentTooLong: `The content can be at most ${LIMITS.content.toLocaleString('en')} characters.`,
  excerptTooLong: `The excerpt can be at most ${LIMITS.excerpt} characters.`,
  tooManyTags: `A post can have at most ${LIMITS.tags} tags.`,
  tagTooLong: (name: string) => `The tag "${name}" is longer than ${LIMITS.tagName} characters.`,
  tagInvalid: (name: string) =>
    `The tag "${name}" may contain only letters, digits, spaces and - _ . characters, and must contain a Latin letter or digit.`,
  postNotFound: 'There is no post with this id.',
  revisionNotFound: 'There is no revision with this id.',
  inTrash: 'This post is in the trash: restore it first.',
  notInTrashToRestore: 'This post is not in the trash.',
  notInTrash: 'Only a post in the trash can be deleted for good: trash it first.',
  publishAtInPast: 'The publication time must be in the future; leave it empty to publish now.',
  publishAtTooFar: 'The publication time must be within the next ten years.',
} as const;
