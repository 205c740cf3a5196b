/**
 * The import's progress on stderr: a bar redrawn in place on a terminal
 * (items done, rate, time left), plain lines at each tenth when stderr is
 * not a terminal (a log file, CI), so the output stays bounded.
 */
export interface Progress {
  start(total: number): void;
  tick(): void;
  finish(): void;
}

const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
};

export class StreamProgress implements Progress {
  private total = 0;
  private done = 0;
  private started = 0;
  private lastDraw = 0;
  private lastTenth = -1;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly tty = out.isTTY === true,
  ) {}

  start(total: number): void {
    this.total = total;
    this.started = Date.now();
    this.draw(true);
  }

  tick(): void {
    this.done++;
    this.draw(false);
  }

  finish(): void {
    this.draw(true);
    if (this.tty) this.out.write('\n');
  }

  private line(): string {
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    const left = rate > 0 ? (this.total - this.done) / rate : Infinity;
    return `${this.done}/${this.total} items, ${Math.round(rate)}/s, ETA ${this.done >= this.total ? '0s' : duration(left)}`;
  }

  private draw(force: boolean): void {
    if (this.tty) {
      const now = Date.now();
      if (!force && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      const width = 30;
      const filled = this.total ? Math.round((this.done / this.total) * width) : width;
      this.out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.line()}\x1b[K`);
      return;
    }
    const tenth = this.total ? Math.floor((this.done / this.total) * 10) : 10;
    if (tenth === this.lastTenth && !(force && this.done === this.total && tenth !== 10)) return;
    this.lastTenth = tenth;
    this.out.write(`colloquy: import ${tenth * 10}%: ${this.line()}\n`);
  }
}
