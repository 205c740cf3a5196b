/**
 * A subscription's events, as the async iterator GraphQL's subscribe wants:
 * pushed by the feed, pulled by the transport. Ending it (the client
 * completes, the socket closes, the server stops) runs `onEnd` once, which
 * takes it off the feed.
 *
 * The transport sends without waiting for the client (it drops a client
 * whose socket buffer passes its ceiling), so the queue here stays short;
 * it is bounded all the same.
 */
export class Inbox<T> implements AsyncIterableIterator<T> {
  static readonly MAX_QUEUED = 1000;
  private readonly queued: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private done = false;

  constructor(private readonly onEnd: () => void) {}

  push(value: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value, done: false });
      return;
    }
    // A consumer this far behind is not reading: end it rather than grow.
    if (this.queued.length >= Inbox.MAX_QUEUED) this.end();
    else this.queued.push(value);
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.queued.length = 0;
    this.onEnd();
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.queued.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
