/**
 * Every place wordmill writes, on a real full (ENOSPC) and a real read-only (EROFS) file system:
 * each failure is WM_ERR_DISK naming the file, and nothing half-written is left behind.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WordmillError } from '../../src/errors.js';
import { AppendLog, writeFileAtomic } from '../../src/disk/write.js';
import { acquireLock, fingerprint, StoreWriter } from '../../src/store/index.js';
import { buildVocab } from '../../src/vocab/index.js';
import { checkpointFile, writeCheckpoint } from '../../src/train/checkpoint.js';
import { newRunDir } from '../../src/pipeline/runs.js';
import { writeZipfSvg } from '../../src/inspect/zipf.js';
import { download } from '../../src/download/index.js';
import { defaultContext } from '../../src/stage.js';
import { BODY, fast, SUM, useServer } from '../util/download-fixture.js';
import { tinyDisk } from '../util/tiny-disk.js';

const srv = useServer();

/** All files under `dir` except the filler, relative. */
function files(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f !== '.filler').sort();
}

function isDisk(dir: string, errno: string, file?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof WordmillError, `not a WordmillError: ${String(e)}`);
    assert.equal(e.code, 'WM_ERR_DISK');
    assert.equal(e.details.errno, errno);
    const p = String(e.details.path);
    assert.ok(p.startsWith(dir), `path ${p} is not under ${dir}`);
    if (file) assert.match(p, file);
    assert.ok(e.message.includes(p), `message names the file: ${e.message}`);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  };
}

const ckptTensors = () => new Map([['param/emb', { shape: [64, 256], data: new Float32Array(64 * 256).fill(0.5) }]]);
const ckptHeader = {
  version: 1 as const, kind: 'lm' as const, config: {}, vocab: ['a'], position: { epoch: 0, batch: 0, step: 0, done: false },
  train: {}, seed: 1, metrics: [], totals: { seconds: 0, tokens: 0, waitSeconds: 0, trainLossSum: 0, trainLossCount: 0 },
};

interface Site {
  name: string;
  /** Work done while the disk still has room (on the read-only disk, nothing can be). */
  before?: (dir: string) => Promise<unknown>;
  /** The write that must fail. */
  write: (dir: string, before: unknown) => Promise<unknown>;
  file?: RegExp;
  /** What must still be there (or gone) afterwards. */
  after?: (dir: string, before: unknown) => Promise<void>;
}

const SITES: Site[] = [
  {
    name: 'store spill file while documents stream in',
    before: async (dir) => StoreWriter.create({ root: dir, fingerprint: fingerprint({ s: 1 }), inputs: {}, bufferBytes: 4096 }),
    write: async (_dir, w) => {
      const writer = w as StoreWriter;
      try {
        for (let i = 0; i < 200; i++) writer.appendDoc('train', writer.counter.addTokens(Array.from({ length: 1000 }, (_, k) => `t${k % 50}`)));
      } finally {
        await writer.abort();
      }
    },
    file: /spill\/train\.tokens$/,
  },
  {
    name: 'store files written by finish',
    before: async (dir) => {
      const w = await StoreWriter.create({ root: dir, fingerprint: fingerprint({ s: 2 }), inputs: {}, bufferBytes: 4096 });
      // Exactly whole buffers: the token spill holds nothing unwritten when finish starts.
      for (let i = 0; i < 64; i++) w.appendDoc('train', w.counter.addTokens(Array.from({ length: 1024 }, (_, k) => `t${k % 50}`)));
      w.appendDoc('train', w.counter.addTokens([]));
      return w;
    },
    write: async (_dir, w) => (w as StoreWriter).finish(buildVocab((w as StoreWriter).counter, { minFreq: 1 })),
    file: /\.tmp-[^/]+\/train\.tokens\.bin$/,
    after: async (dir) => assert.deepEqual(files(path.join(dir, 'stores')), [], 'the temp store dir is removed'),
  },
  {
    name: 'store lock file',
    write: async (dir) => acquireLock(path.join(dir, 'x.lock')),
    file: /x\.lock$/,
    after: async (dir) => assert.ok(!existsSync(path.join(dir, 'x.lock')), 'no empty lock file is left to block other runs'),
  },
  {
    name: 'checkpoint (the previous one stays intact)',
    before: async (dir) => {
      await writeCheckpoint(checkpointFile(dir), ckptHeader, ckptTensors());
      return readFile(checkpointFile(dir));
    },
    write: async (dir) => writeCheckpoint(checkpointFile(dir), { ...ckptHeader, seed: 2 }, ckptTensors()),
    file: /last\.wmckpt$/,
    after: async (dir, before) => {
      assert.deepEqual(await readFile(checkpointFile(dir)), before);
      assert.deepEqual(files(dir), ['last.wmckpt'], 'no temporary checkpoint is left');
    },
  },
  {
    name: 'metrics.csv appended per epoch',
    before: async (dir) => { await writeFile(path.join(dir, 'metrics.csv'), 'epoch\n'); },
    write: async (dir) => {
      const log = new AppendLog(path.join(dir, 'metrics.csv'));
      log.append(`0,${'1.2345,'.repeat(2000)}\n`);
      log.append('1,2\n');
      await log.flush();
    },
    file: /metrics\.csv$/,
  },
  {
    name: 'run directory and its spec.json',
    write: async (dir) => {
      const run = await newRunDir(dir, 'p');
      await writeFileAtomic(path.join(run, 'spec.json'), 'x'.repeat(8000));
    },
    file: /runs\/p/,
    after: async (dir) => {
      const runs = path.join(dir, 'runs');
      if (existsSync(runs)) assert.ok(!readdirSync(runs).some((f) => f.endsWith('.tmp')), 'no temp file left');
    },
  },
  {
    name: 'spec.json and plots (atomic writes)',
    write: async (dir) => writeFileAtomic(path.join(dir, 'spec.json'), 'x'.repeat(20000)),
    file: /spec\.json$/,
    after: async (dir) => assert.deepEqual(files(dir), []),
  },
  {
    name: 'Zipf plot',
    write: async (dir) => writeZipfSvg(Array.from({ length: 5000 }, (_, i) => 5000 - i), path.join(dir, 'zipf.svg')),
    file: /zipf\.svg$/,
    after: async (dir) => assert.deepEqual(files(dir), []),
  },
  {
    name: 'download into the cache',
    before: async (dir) => { await mkdir(path.join(dir, 'downloads'), { recursive: true }); },
    write: async (dir) => download({ url: srv.server.route('/big.bin', { body: BODY }), sha256: SUM }, fast(path.join(dir, 'downloads')), defaultContext()),
    file: /downloads\//,
  },
];

for (const site of SITES) {
  test(`disk full: ${site.name} fails with WM_ERR_DISK naming the file`, { timeout: 30_000 }, async (t: TestContext) => {
    const disk = tinyDisk(t, { size: '512k' });
    if (!disk) return;
    const before = await site.before?.(disk.dir);
    disk.fill();
    await assert.rejects(site.write(disk.dir, before), isDisk(disk.dir, 'ENOSPC', site.file));
    await site.after?.(disk.dir, before);
  });
  if (!site.before) {
    test(`read-only file system: ${site.name} fails with WM_ERR_DISK naming the file`, { timeout: 30_000 }, async (t: TestContext) => {
      const disk = tinyDisk(t, { readOnly: true });
      if (!disk) return;
      await assert.rejects(site.write(disk.dir, undefined), isDisk(disk.dir, 'EROFS'));
    });
  }
}
