import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { probeWebGPU } from '../../src/train/webgpu-probe.js';
import { startTrainer } from '../../src/train/index.js';
import { WordmillError } from '../../src/errors.js';

// The WebGPU fallback paths, for real: Dawn (the npm package webgpu) is asked for an adapter
// name that no machine has, so it finds none here and on a GPU host alike; the probe and the
// trainer process are the real ones.
const NONE = 'adapter=wordmill-test-no-such-adapter';
// They are optional dependencies: a node_modules installed without them (npm --omit=optional, or
// one copied from before they were added) takes the "not installed" path, tested below instead.
const require = createRequire(import.meta.url);
const missing = ['webgpu', '@tensorflow/tfjs-backend-webgpu'].filter((p) => { try { require.resolve(p); return false; } catch { return true; } });
const skip = missing.length ? `the optional packages are not installed here: ${missing.join(', ')} (npm install)` : false;

/** The trainer process inherits the environment: set `vars` for one start. */
async function withEnv<T>(vars: Record<string, string>, f: () => Promise<T>): Promise<T> {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try { return await f(); } finally {
    for (const [k, v] of Object.entries(old)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  }
}

test('without an adapter the probe says so in one line, quickly, instead of hanging or crashing', { skip }, () => {
  const t0 = Date.now();
  const r = probeWebGPU(60_000, { ...process.env, WORDMILL_DAWN: NONE });
  assert.equal(r.ok, false);
  assert.ok(!r.ok && /no WebGPU adapter/.test(r.reason), JSON.stringify(r));
  assert.ok(!r.ok && !r.reason.includes('\n'));
  assert.ok(Date.now() - t0 < 30_000);
});

test('a probe that outlives its timeout is killed and reported as such', () => {
  const r = probeWebGPU(1);
  assert.ok(!r.ok && /did not finish within 1 ms/.test(r.reason), JSON.stringify(r));
});

test('auto logs why WebGPU is not used and trains on the next backend', { skip }, async () => {
  const lines: string[] = [];
  const t = await withEnv({ WORDMILL_DAWN: NONE }, () => startTrainer({ backend: 'auto', log: (l) => lines.push(l) }));
  try {
    assert.ok(['tensorflow', 'wasm', 'cpu', 'tensorflow-gpu'].includes(t.backend), t.backend);
    const why = lines.filter((l) => l.startsWith('webgpu: '));
    assert.equal(why.length, 1, lines.join('\n'));
    assert.match(why[0], /^webgpu: not used: Dawn found no WebGPU adapter/);
  } finally {
    await t.close();
  }
});

test('--backend webgpu without an adapter is refused with WM_ERR_BACKEND, saying why', { skip }, async () => {
  await assert.rejects(withEnv({ WORDMILL_DAWN: NONE }, () => startTrainer({ backend: 'webgpu' })), (e: WordmillError) =>
    e.code === 'WM_ERR_BACKEND' && /"webgpu" is not available here: Dawn found no WebGPU adapter/.test(e.message));
});

test('a probe timeout in the trainer falls back too (the trainer starts, on another backend)', { skip }, async () => {
  const lines: string[] = [];
  const t = await withEnv({ WORDMILL_WEBGPU_PROBE_MS: '1' }, () => startTrainer({ backend: 'auto', log: (l) => lines.push(l) }));
  try {
    assert.notEqual(t.backend, 'webgpu');
    assert.ok(lines.some((l) => /^webgpu: not used: the WebGPU probe did not finish within 1 ms/.test(l)), lines.join('\n'));
  } finally {
    await t.close();
  }
});

test('without the optional packages auto says so in one line and trains on the next backend', { skip: missing.length ? false : 'the optional packages are installed' }, async () => {
  const lines: string[] = [];
  const t = await startTrainer({ backend: 'auto', log: (l) => lines.push(l) });
  try {
    assert.notEqual(t.backend, 'webgpu');
    assert.ok(lines.some((l) => /^webgpu: not used: the optional package.* not installed$/.test(l)), lines.join('\n'));
  } finally {
    await t.close();
  }
});
