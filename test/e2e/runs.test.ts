/**
 * "The latest run" is the newest run with a checkpoint that reads and verifies: a run that failed,
 * was interrupted before its first checkpoint, or whose checkpoint was damaged is skipped by
 * `generate` and `--resume`; a run that cannot start leaves no run directory at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { latestRun } from '../../src/pipeline/runs.js';
import { runCli, type Ran } from '../util/cli.js';

const wordmill = (args: string[], home: string): Promise<Ran> => runCli(args, { WORDMILL_HOME: home });

const lastJson = (stdout: string): Record<string, any> => JSON.parse(stdout.trim().split('\n').pop()!);
const RUN = ['run', '--epochs', '1', '--samples', '0', '--json', '--quiet'];

async function withHome(fn: (home: string) => Promise<void>): Promise<void> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'wordmill-runs-'));
  try {
    await fn(home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

test('generate skips a newer run whose checkpoint is corrupt or missing and samples from the last good one', { timeout: 240_000 }, async () => {
  await withHome(async (home) => {
    const good = await wordmill(RUN, home);
    assert.equal(good.status, 0, good.stderr);
    const goodCkpt: string = lastJson(good.stdout).checkpoint;
    const damaged = await wordmill(RUN, home);
    assert.equal(damaged.status, 0, damaged.stderr);
    const damagedCkpt: string = lastJson(damaged.stdout).checkpoint;
    assert.notEqual(path.dirname(damagedCkpt), path.dirname(goodCkpt));
    // One flipped bit in the last tensor byte: the header still reads, only the tensor digest can tell.
    const fh = await open(damagedCkpt, 'r+');
    const { size } = await fh.stat();
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, size - 1);
    b[0] ^= 1;
    await fh.write(b, 0, 1, size - 1);
    await fh.close();
    // Newer still: a run interrupted before its first checkpoint (its spec and metrics header only).
    const interrupted = path.join(home, 'runs', 'human-numbers', '9999-01-01T00-00-00-000Z');
    await mkdir(interrupted, { recursive: true });
    await writeFile(path.join(interrupted, 'spec.json'), await readFile(path.join(path.dirname(goodCkpt), 'spec.json')));
    await writeFile(path.join(interrupted, 'metrics.csv'), 'epoch\n');

    assert.equal(await latestRun(home, 'human-numbers'), path.dirname(goodCkpt));
    assert.equal(await latestRun(home), path.dirname(goodCkpt));
    const gen = await wordmill(['generate', '--prompt', 'one', '--words', '3', '--samples', '1', '--json', '--quiet'], home);
    assert.equal(gen.status, 0, gen.stderr);
    assert.equal(lastJson(gen.stdout).checkpoint, goodCkpt);
    assert.equal(lastJson(gen.stdout).samples.length, 1);
  });
});

test('a run that cannot start (a bad --backend) leaves no run directory, and --resume then finds nothing', { timeout: 120_000 }, async () => {
  await withHome(async (home) => {
    const bad = await wordmill(['run', '--epochs', '1', '--no-progress', '--backend', 'bogus'], home);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /bogus.*WM_ERR_OPTION/);
    const runs = path.join(home, 'runs', 'human-numbers');
    assert.deepEqual(existsSync(runs) ? await readdir(runs) : [], [], 'no run directory is left behind');
    assert.equal(await latestRun(home), undefined);
    const resume = await wordmill(['run', '--epochs', '1', '--no-progress', '--resume'], home);
    assert.notEqual(resume.status, 0);
    assert.match(resume.stderr, /--resume: no earlier run of human-numbers/);
  });
});
