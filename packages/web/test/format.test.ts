import { describe, expect, it } from 'vitest';
import { formatDate } from '../src/lib/format';

describe('formatDate', () => {
  it("gives Intl's English long date in UTC, for every day from 1970 to 2100", () => {
    const intl = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' });
    for (let day = 0; day < 130 * 366; day++) {
      // Late in the day, where a local time zone would already show the next one.
      const date = new Date(day * 86_400_000 + 23.5 * 3_600_000);
      expect(formatDate(date.toISOString())).toBe(intl.format(date));
    }
  });

  it('gives nothing for no date or one that does not parse', () => {
    expect(formatDate(null)).toBe('');
    expect(formatDate(undefined)).toBe('');
    expect(formatDate('not a date')).toBe('');
    expect(formatDate('2012-11-24T18:00:00.000Z')).toBe('November 24, 2012');
  });
});
