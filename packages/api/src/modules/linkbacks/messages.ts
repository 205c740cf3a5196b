// Every message an editor can see about linkbacks, in one place.
export const messages = {
  idsRequired: 'Choose at least one linkback.',
  tooManyIds: 'Moderate at most 100 linkbacks at once.',
  someNotFound: 'Some of these linkbacks do not exist (any more); nothing was changed.',
} as const;
