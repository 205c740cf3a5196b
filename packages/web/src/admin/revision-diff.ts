import { diffArrays, diffLines, diffWordsWithSpace, type ChangeObject } from 'diff';

/** A run of a line's text; `changed` is the part that differs from the other side. */
export interface Segment {
  text: string;
  changed: boolean;
}

export interface DiffLine {
  /** 1-based, on its own side. */
  number: number;
  segments: Segment[];
}

/**
 * One row of a side-by-side diff: the old line on the left, the new one on
 * the right. A changed row has both, with the changed words marked; a removed
 * or added row has one side only.
 */
export type DiffRow =
  | { kind: 'same'; left: DiffLine; right: DiffLine }
  | { kind: 'changed'; left: DiffLine; right: DiffLine }
  | { kind: 'removed'; left: DiffLine; right: null }
  | { kind: 'added'; left: null; right: DiffLine }
  /** Unchanged lines folded away, kept so that they can be shown. */
  | { kind: 'gap'; rows: DiffRow[] };

/** Lines of a diffLines value (which keeps each line's newline). */
function linesOf(value: string): string[] {
  const lines = value.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The words that differ between two lines, each side with its own. Lines
 * that share less than a third of their text are marked whole: word marks
 * there would be noise, not help.
 */
export function wordSegments(before: string, after: string): { left: Segment[]; right: Segment[] } {
  const changes = diffWordsWithSpace(before, after);
  const kept = changes
    .filter((c) => !c.added && !c.removed)
    .reduce((n, c) => n + c.value.length, 0);
  if (kept * 3 < Math.max(before.length, after.length)) {
    return { left: [{ text: before, changed: true }], right: [{ text: after, changed: true }] };
  }
  const left: Segment[] = [];
  const right: Segment[] = [];
  for (const c of changes) {
    if (!c.added) left.push({ text: c.value, changed: c.removed });
    if (!c.removed) right.push({ text: c.value, changed: c.added });
  }
  return { left, right };
}

/**
 * Rows from a list of changes: removed lines followed by added ones are
 * paired, row by row, as changed lines (with word marks when `words`); what
 * is left over is a removed or added row.
 */
function rowsOf(changes: ChangeObject<string[]>[], words: boolean): DiffRow[] {
  const rows: DiffRow[] = [];
  let l = 0;
  let r = 0;
  const line = (number: number, text: string, changed: boolean): DiffLine => ({
    number,
    segments: [{ text, changed }],
  });
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    if (!change.added && !change.removed) {
      for (const text of change.value)
        rows.push({ kind: 'same', left: line(++l, text, false), right: line(++r, text, false) });
      continue;
    }
    const removed = change.removed ? change.value : [];
    const next = changes[i + 1];
    const added = change.added ? change.value : next?.added ? next.value : [];
    if (change.removed && next?.added) i++;
    const paired = Math.min(removed.length, added.length);
    for (let k = 0; k < paired; k++) {
      const marks = words
        ? wordSegments(removed[k]!, added[k]!)
        : {
            left: [{ text: removed[k]!, changed: true }],
            right: [{ text: added[k]!, changed: true }],
          };
      rows.push({
        kind: 'changed',
        left: { number: ++l, segments: marks.left },
        right: { number: ++r, segments: marks.right },
      });
    }
    for (const text of removed.slice(paired))
      rows.push({ kind: 'removed', left: line(++l, text, true), right: null });
    for (const text of added.slice(paired))
      rows.push({ kind: 'added', left: null, right: line(++r, text, true) });
  }
  return rows;
}

/** A side-by-side diff of two texts, line by line, with the changed words of changed lines. */
export function diffText(before: string, after: string): DiffRow[] {
  // A last line without its newline is the same line as with one: prose, not a patch.
  const normal = (s: string) => {
    const text = s.replace(/\r\n?/g, '\n');
    return text === '' || text.endsWith('\n') ? text : `${text}\n`;
  };
  const changes = diffLines(normal(before), normal(after)).map((c) => ({
    ...c,
    value: linesOf(c.value),
  }));
  return rowsOf(changes, true);
}

/** A side-by-side diff of two lists (tags): each item a line, compared whole. */
export function diffList(before: readonly string[], after: readonly string[]): DiffRow[] {
  return rowsOf(diffArrays([...before], [...after]), false);
}

/** Folds runs of unchanged rows longer than twice `context`, keeping `context` rows around each change. */
export function foldUnchanged(rows: DiffRow[], context = 3): DiffRow[] {
  const folded: DiffRow[] = [];
  let i = 0;
  while (i < rows.length) {
    if (rows[i]!.kind !== 'same') {
      folded.push(rows[i++]!);
      continue;
    }
    let end = i;
    while (end < rows.length && rows[end]!.kind === 'same') end++;
    const keepBefore = i === 0 ? 0 : context;
    const keepAfter = end === rows.length ? 0 : context;
    if (end - i > keepBefore + keepAfter + 1) {
      folded.push(...rows.slice(i, i + keepBefore));
      folded.push({ kind: 'gap', rows: rows.slice(i + keepBefore, end - keepAfter) });
      folded.push(...rows.slice(end - keepAfter, end));
    } else folded.push(...rows.slice(i, end));
    i = end;
  }
  return folded;
}

export const hasChanges = (rows: DiffRow[]) => rows.some((row) => row.kind !== 'same');
