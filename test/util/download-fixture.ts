import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import type { FetchOptions } from '../../src/download/index.js';
import { TestServer } from './http-server.js';

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
export const BODY = randomBytes(300_000);
export const SUM = sha256(BODY);

/** Retry bounds in milliseconds instead of seconds, so fault tests run fast. */
export const fast = (cacheDir: string, more: FetchOptions = {}): FetchOptions =>
  ({ cacheDir, retries: 3, minDelay: 1, maxDelay: 20, bodyTimeout: 2000, headersTimeout: 2000, noProxy: '*', ...more });

/** One loopback server for the calling test file; at the end, every connection must have closed. */
export function useServer(): { readonly server: TestServer } {
  const holder = {} as { server: TestServer };
  before(async () => { holder.server = await TestServer.start(); });
  after(async () => {
    assert.equal(await holder.server.settle(), 0, 'every connection closed');
    await holder.server.close();
  });
  return holder;
}
