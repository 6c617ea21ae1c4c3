import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Feed } from '../../src/train/feed.js';
import { WordmillError } from '../../src/errors.js';
import type { ToChild, ToParent } from '../../src/train/protocol.js';

test('a failed batch source reaches the trainer as the same WordmillError, details included', async () => {
  const sent: ToParent[] = [];
  const feed = new Feed((m) => sent.push(m));
  const stream = feed.open('train', 0, 0);
  const original = new WordmillError('WM_ERR_STORE', 'store /x/tokens.bin is truncated', { path: '/x/tokens.bin', offset: 4096 });
  // Through the structured clone the IPC channel uses ('advanced' serialization).
  const msg = structuredClone({ type: 'fail', sid: stream.sid, error: original.toJSON() } satisfies ToChild);
  feed.deliver(msg);
  await assert.rejects(stream.next(), (e: WordmillError) => {
    assert.ok(e instanceof WordmillError);
    assert.equal(e.code, 'WM_ERR_STORE');
    assert.equal(e.message, original.message);
    assert.deepEqual(e.details, { path: '/x/tokens.bin', offset: 4096 });
    return true;
  });
});

test('fromJSON: data from another process is not trusted to be well formed', () => {
  assert.equal(WordmillError.fromJSON({ code: 'WM_ERR_NOPE', message: 'm' }, 'WM_ERR_TRAIN').code, 'WM_ERR_TRAIN');
  assert.deepEqual(WordmillError.fromJSON({ code: 'WM_ERR_DISK', message: 'm' }).details, {});
  const e = WordmillError.fromJSON(new WordmillError('WM_ERR_DISK', 'full', { path: '/p' }).toJSON());
  assert.deepEqual([e.code, e.message, e.details], ['WM_ERR_DISK', 'full', { path: '/p' }]);
  const wrapped = WordmillError.from(new TypeError('boom'), 'WM_ERR_TRAIN', 'trainer failed');
  assert.deepEqual([wrapped.code, wrapped.message], ['WM_ERR_TRAIN', 'trainer failed: boom']);
});
