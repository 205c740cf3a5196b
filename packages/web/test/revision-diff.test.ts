// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  diffList,
  diffText,
  foldUnchanged,
  hasChanges,
  wordSegments,
  type DiffRow,
} from '../src/admin/revision-diff';

/** A row as text: the changed parts of each side in [brackets]. */
function show(row: DiffRow): string {
  if (row.kind === 'gap') return `… ${row.rows.length} unchanged`;
  const side = (line: typeof row.left) =>
    line ? line.segments.map((s) => (s.changed ? `[${s.text}]` : s.text)).join('') : '∅';
  return `${row.kind}: ${side(row.left)} | ${side(row.right)}`;
}

describe('the revision diff', () => {
  it('pairs a changed line and marks the words that changed on each side', () => {
    const rows = diffText(
      'One line.\nThe first title here.\nLast.',
      'One line.\nThe second title here.\nLast.',
    );
    expect(rows.map(show)).toEqual([
      'same: One line. | One line.',
      'changed: The [first] title here. | The [second] title here.',
      'same: Last. | Last.',
    ]);
    expect(rows[1]).toMatchObject({ left: { number: 2 }, right: { number: 2 } });
  });

  it('keeps removed and added lines apart from the changed pairs, numbered on their own side', () => {
    const rows = diffText('a\nb\nc', 'a\nB\nc\nd\ne');
    expect(rows.map(show)).toEqual([
      'same: a | a',
      'changed: [b] | [B]',
      'same: c | c',
      'added: ∅ | [d]',
      'added: ∅ | [e]',
    ]);
    expect(diffText('a\nb', 'a').map(show)).toEqual(['same: a | a', 'removed: [b] | ∅']);
    const added = rows[4]!;
    expect(added.kind === 'added' && added.right.number).toBe(5);
  });

  it('marks a line whole when the two share too little for word marks to help', () => {
    expect(wordSegments('Completely different', 'Nothing alike at all here')).toEqual({
      left: [{ text: 'Completely different', changed: true }],
      right: [{ text: 'Nothing alike at all here', changed: true }],
    });
  });

  it('treats Windows line ends as line ends, and equal texts as unchanged', () => {
    const rows = diffText('a\r\nb', 'a\nb');
    expect(hasChanges(rows)).toBe(false);
    expect(hasChanges(diffText('', 'x'))).toBe(true);
  });

  it('compares tags whole', () => {
    expect(diffList(['news', 'old'], ['news', 'new', 'more']).map(show)).toEqual([
      'same: news | news',
      'changed: [old] | [new]',
      'added: ∅ | [more]',
    ]);
  });

  it('folds long unchanged runs, keeping three lines of context around each change', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const after = [...before];
    after[10] = 'line eleven';
    const folded = foldUnchanged(diffText(before.join('\n'), after.join('\n')));
    expect(folded.map(show)).toEqual([
      '… 7 unchanged',
      'same: line 8 | line 8',
      'same: line 9 | line 9',
      'same: line 10 | line 10',
      'changed: line [11] | line [eleven]',
      'same: line 12 | line 12',
      'same: line 13 | line 13',
      'same: line 14 | line 14',
      '… 6 unchanged',
    ]);
  });
});
