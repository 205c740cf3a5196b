import { describe, expect, it } from 'vitest';
import { ResponseCache, type CachedResponse } from '../../src/cache/response-cache.js';
import { canonicalJson } from '../../src/cache/http-cache.js';
import { writtenTable } from '../../src/db/changes.js';

const entry = (bytes: number, tags: string[], expiresAt = Infinity): CachedResponse => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: Buffer.alloc(bytes, 'x'),
  etag: '"e"',
  tags,
  expiresAt,
});

describe('ResponseCache', () => {
  it('stays within its bytes, dropping the least recently used first', () => {
    const cache = new ResponseCache(40_000);
    for (let i = 0; i < 10; i++) cache.store(`k${i}`, entry(9_000, ['site']), cache.begin());
    const stats = cache.stats();
    expect(stats.bytes).toBeLessThanOrEqual(40_000);
    expect(stats.evictions).toBeGreaterThan(0);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k9')).toBeDefined();
    // Used now: k6 outlives k7 when room is needed again.
    expect(cache.get('k6')).toBeDefined();
    cache.store('k10', entry(9_000, ['site']), cache.begin());
    expect(cache.get('k6')).toBeDefined();
    expect(cache.get('k7')).toBeUndefined();
  });

  it('drops by tag, everything on "all", and refuses what was built across a change', () => {
    const cache = new ResponseCache(1_000_000);
    cache.store('a', entry(10, ['site', 'post:1']), cache.begin());
    cache.store('b', entry(10, ['site', 'post:2']), cache.begin());
    cache.invalidate(new Set(['post:1']));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeDefined();

    const begun = cache.begin();
    cache.invalidate(new Set(['post:2']));
    expect(cache.store('c', entry(10, ['post:2']), begun)).toBe(false);
    expect(cache.store('d', entry(10, ['post:3']), begun)).toBe(true);
    expect(cache.stats().staleStores).toBe(1);

    const before = cache.begin();
    cache.invalidate('all');
    expect(cache.get('d')).toBeUndefined();
    expect(cache.store('e', entry(10, ['post:9']), before)).toBe(false);
    expect(cache.store('e', entry(10, ['post:9']), cache.begin())).toBe(true);
  });

  it('forgets an entry once its time has come', () => {
    let now = 1_000;
    const cache = new ResponseCache(1_000_000, () => now);
    cache.store('a', entry(10, ['posts'], 2_000), cache.begin());
    expect(cache.get('a')).toBeDefined();
    now = 2_000;
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('the keys and the safety net', () => {
  it('writes variables in one canonical order, and gives up on very deep ones', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":1,"z":0}]},"b":1}',
    );
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(canonicalJson(deep)).toBeNull();
  });

  it('tells which table a statement writes', () => {
    expect(writtenTable('INSERT INTO "comments"("post_id") VALUES (?)')).toBe('comments');
    expect(writtenTable('UPDATE "jobs" SET "status" = $1')).toBe('jobs');
    expect(writtenTable('DELETE FROM "sessions" WHERE "id" = ?')).toBe('sessions');
    expect(writtenTable('INSERT OR IGNORE INTO "settings" VALUES (?)')).toBe('settings');
    expect(writtenTable('SELECT * FROM comments FOR UPDATE')).toBeNull();
    expect(writtenTable('WITH RECURSIVE t AS (SELECT 1) SELECT * FROM t')).toBeNull();
    expect(writtenTable('WITH x AS (SELECT 1) UPDATE "posts" SET a = 1')).toBe('posts');
    expect(writtenTable('BEGIN IMMEDIATE')).toBeNull();
  });
});
