import { GraphQLError } from 'graphql';
import { Brackets, type SelectQueryBuilder } from 'typeorm';
import { dbDate } from '../db/dates.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** A position in a list ordered by (time, id). Opaque to clients. */
export interface Cursor {
  time: number;
  id: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.time}:${c.id}`, 'utf8').toString('base64url');
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}

// Cursors carry times of stored rows: years 1 to 9999, which both databases
// hold (PostgreSQL refuses what JavaScript dates reach below that), and ids
// of integer columns.
const MIN_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_TIME = Date.parse('9999-12-31T23:59:59.999Z');
const MAX_ID = 2 ** 31 - 1;

export function decodeCursor(raw: string): Cursor {
  const match = /^(-?\d{1,16}):(\d{1,10})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  const time = Number(match?.[1]);
  const id = Number(match?.[2]);
  if (!match || !(time >= MIN_TIME && time <= MAX_TIME) || !(id >= 1 && id <= MAX_ID)) {
    throw badInput('Invalid cursor: pass the endCursor of a previous page.');
  }
  return { time, id };
}

export function pageSize(first: number | null | undefined): number {
  if (first == null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`"first" must be between 0 and ${MAX_PAGE_SIZE}.`);
  }
  return first;
}

/**
 * A page from rows read in the list's order with LIMIT size + 1: the extra
 * row, left out, only tells that there is a next page.
 */
export function pageOfRows<T>(
  rows: readonly T[],
  size: number,
  key: (item: T) => Cursor,
  totalCount: number,
): Page<T> {
  const edges = rows.slice(0, size).map((node) => ({ cursor: encodeCursor(key(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}

/**
 * Pages an already ordered in-memory list (ascending by time, then id).
 * Used for comment threads, which a request loads whole in one statement.
 */
export function pageFromList<T>(items: T[], args: PageArgs, key: (item: T) => Cursor): Page<T> {
  const size = pageSize(args.first);
  let start = 0;
  if (args.after) {
    const after = decodeCursor(args.after);
    start = items.findIndex((item) => {
      const k = key(item);
      return k.time > after.time || (k.time === after.time && k.id > after.id);
    });
    if (start === -1) start = items.length;
  }
  const slice = items.slice(start, start + size);
  const edges = slice.map((node) => ({ cursor: encodeCursor(key(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: start + size < items.length, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: items.length,
  };
}

/**
 * One page of a query builder's rows, newest first, keyset-paginated on
 * (time, id): the editors' lists. Counts all matching rows too (one more
 * statement) — queues show how much is waiting.
 */
export async function pageNewestFirst<T extends { id: number }>(
  qb: SelectQueryBuilder<T>,
  columns: { time: string; id: string },
  timeOf: (row: T) => Date,
  args: PageArgs,
): Promise<Page<T>> {
  const size = pageSize(args.first);
  const totalCount = await qb.clone().getCount();
  if (args.after) {
    const after = decodeCursor(args.after);
    const at = dbDate(qb.connection, new Date(after.time));
    qb.andWhere(
      new Brackets((w) =>
        w
          .where(`${columns.time} < :afterTime`, { afterTime: at })
          .orWhere(`(${columns.time} = :afterTime AND ${columns.id} < :afterId)`, {
            afterId: after.id,
          }),
      ),
    );
  }
  const rows = await qb
    .orderBy(columns.time, 'DESC')
    .addOrderBy(columns.id, 'DESC')
    .take(size + 1)
    .getMany();
  const edges = rows.slice(0, size).map((node) => ({
    cursor: encodeCursor({ time: timeOf(node).getTime(), id: node.id }),
    node,
  }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}

/** The longest search text: SQLite refuses LIKE patterns past 50,000 bytes, and no title is that long. */
export const MAX_SEARCH_LENGTH = 200;

/**
 * A LIKE pattern matching `text` anywhere, with LIKE's wildcards taken
 * literally (use with ESCAPE '\'); BAD_USER_INPUT for a text over MAX_SEARCH_LENGTH.
 */
export function containsPattern(text: string): string {
  if (text.length > MAX_SEARCH_LENGTH) {
    throw badInput(`"search" can be at most ${MAX_SEARCH_LENGTH} characters.`);
  }
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
