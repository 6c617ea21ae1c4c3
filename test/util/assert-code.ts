import assert from 'node:assert/strict';
import { WordmillError } from '../../src/errors.js';

/** Awaits `p`, which must reject with a WordmillError of `code`; returns the error for more checks. */
export async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<WordmillError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof WordmillError, `expected WordmillError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}
