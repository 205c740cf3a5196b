// Every message an administrator can see about discussion settings, in one place.

/** Upper bounds that keep the word lists cheap to store and to match. */
export const WORD_LIST_LIMITS = { entries: 500, entryLength: 100 } as const;

export const messages = {
  required: (label: string) => `${label} cannot be empty.`,
  notBoolean: (label: string) => `${label} must be true or false.`,
  notInteger: (label: string) => `${label} must be a whole number.`,
  outOfRange: (label: string, min: number, max: number) =>
    `${label} must be a whole number from ${min} to ${max}.`,
  outOfRangeOrOff: (label: string, min: number, max: number) =>
    `${label} must be a whole number from ${min} to ${max}, or empty to turn the rule off.`,
  invalidChoice: (label: string, choices: readonly string[]) =>
    `${label} must be one of ${choices.join(', ')}.`,
  notWordList: (label: string) => `${label} must be a list of words or phrases.`,
  wordTooLong: (label: string) =>
    `Each entry of ${label.toLowerCase()} can be at most ${WORD_LIST_LIMITS.entryLength} characters.`,
  tooManyWords: (label: string) => `${label} can hold at most ${WORD_LIST_LIMITS.entries} entries.`,
} as const;
