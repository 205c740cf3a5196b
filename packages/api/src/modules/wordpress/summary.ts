import type { WxrChannel } from './wxr-reader.js';

export const KINDS = ['authors', 'tags', 'posts', 'comments', 'linkbacks', 'redirects'] as const;
export type ImportKind = (typeof KINDS)[number];

interface Tally {
  imported: number;
  updated: number;
  skipped: Map<string, number>;
}

/** What an import did (or, on a dry run, would do), per kind, with the reasons for what it skipped. */
export class ImportSummary {
  readonly tallies = new Map<ImportKind, Tally>(
    KINDS.map((k) => [k, { imported: 0, updated: 0, skipped: new Map() }]),
  );
  /** What the content conversion did ([caption] converted, …), by what. */
  readonly notes = new Map<string, number>();

  constructor(
    readonly channel: WxrChannel,
    readonly dryRun: boolean,
  ) {}

  imported(kind: ImportKind): void {
    this.tallies.get(kind)!.imported++;
  }

  updated(kind: ImportKind): void {
    this.tallies.get(kind)!.updated++;
  }

  skipped(kind: ImportKind, reason: string): void {
    const s = this.tallies.get(kind)!.skipped;
    s.set(reason, (s.get(reason) ?? 0) + 1);
  }

  note(what: string): void {
    this.notes.set(what, (this.notes.get(what) ?? 0) + 1);
  }

  /** Nothing was (or would be) imported or updated. */
  get nothingNew(): boolean {
    return [...this.tallies.values()].every((t) => t.imported === 0 && t.updated === 0);
  }

  /** The summary the CLI prints: one line per kind, then the content notes. */
  lines(file: string): string[] {
    const head = this.dryRun
      ? `colloquy: dry run of the import of ${file} (WXR ${this.channel.version} from ${this.channel.link || 'an unnamed site'}): nothing was written`
      : `colloquy: imported ${file} (WXR ${this.channel.version} from ${this.channel.link || 'an unnamed site'})`;
    const verb = this.dryRun ? 'would import' : 'imported';
    const lines = [head];
    for (const [kind, t] of this.tallies) {
      const skipped = [...t.skipped.values()].reduce((a, b) => a + b, 0);
      const reasons = [...t.skipped].map(([why, n]) => `${n} ${why}`).join('; ');
      lines.push(
        `  ${kind.padEnd(10)} ${verb} ${t.imported}, updated ${t.updated}, skipped ${skipped}${reasons ? ` (${reasons})` : ''}`,
      );
    }
    if (this.notes.size > 0) {
      lines.push(`  content    ${[...this.notes].map(([what, n]) => `${n} × ${what}`).join('; ')}`);
    }
    if (this.nothingNew) {
      lines.push(
        this.dryRun
          ? 'colloquy: nothing new: everything in this file was imported before'
          : 'colloquy: nothing new to import: everything in this file was imported before',
      );
    }
    return lines;
  }
}
