import type { PLACES } from './messages.js';

export type CheckedPlace = keyof typeof PLACES;

// A letter, digit or underscore next to a listed word makes it part of a longer word.
const WORD_CHAR = String.raw`[\p{L}\p{N}_]`;
const WORD_START = new RegExp(`^${WORD_CHAR}`, 'u');
const WORD_END = new RegExp(`${WORD_CHAR}$`, 'u');

function escapeRegExp(text: string): string {
  // Only syntax characters: the u flag refuses needless escapes such as \-.
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds listed words or phrases as whole words, in any letter case: "casino"
 * matches "Casino!" and "online casino" but not "casinos" or "occasion".
 * An entry that starts or ends with punctuation (".ru", "$$$") needs no
 * boundary on that side, so it can match part of an address.
 */
export class WordMatcher {
  private readonly pattern: RegExp | null;

  constructor(private readonly words: readonly string[]) {
    if (words.length === 0) {
      this.pattern = null;
      return;
    }
    // One capture group per word tells which one matched.
    const alternatives = words.map((word) => {
      const before = WORD_START.test(word) ? `(?<!${WORD_CHAR})` : '';
      const after = WORD_END.test(word) ? `(?!${WORD_CHAR})` : '';
      // Any run of white space separates the words of a phrase.
      return `${before}(${escapeRegExp(word).replace(/ /g, String.raw`\s+`)})${after}`;
    });
    this.pattern = new RegExp(alternatives.join('|'), 'iu');
  }

  /** The first listed word found in the text, as the list spells it; null when none is. */
  find(text: string): string | null {
    if (!this.pattern || !text) return null;
    const match = this.pattern.exec(text);
    if (!match) return null;
    const index = match.slice(1).findIndex((group) => group !== undefined);
    return this.words[index] ?? null;
  }

  /** The first listed word in any of the places, checked in the given order. */
  findIn(places: Partial<Record<CheckedPlace, string | null>>): {
    word: string;
    place: CheckedPlace;
  } | null {
    for (const [place, text] of Object.entries(places) as [CheckedPlace, string | null][]) {
      const word = text ? this.find(text) : null;
      if (word) return { word, place };
    }
    return null;
  }
}
