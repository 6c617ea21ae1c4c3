import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tinyDisk } from '../util/tiny-disk.js';

const BIN = fileURLToPath(new URL('../../../bin/wordmill.js', import.meta.url));

function wordmill(args: string[], home: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, WORDMILL_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

const errorLine = (stderr: string): string => stderr.trim().split('\n').filter((l) => l.startsWith('wordmill: ')).pop() ?? '';

test('prepare on a full disk: exit 6, one line naming the file, no temp store or lock left (it used to hang)', { timeout: 60_000 }, async (t: TestContext) => {
  const disk = tinyDisk(t, { size: '100k' });
  if (!disk) return;
  const r = await wordmill(['prepare', '--no-progress'], disk.dir);
  assert.equal(r.status, 6, r.stderr);
  const line = errorLine(r.stderr);
  assert.match(line, new RegExp(`^wordmill: cannot write the [a-z ]+: ${disk.dir}/stores/\\S+ \\(disk full: ENOSPC\\) \\[WM_ERR_DISK\\]$`), r.stderr);
  assert.doesNotMatch(r.stderr, /unexpected error/);
  assert.deepEqual(readdirSync(path.join(disk.dir, 'stores')), [], 'no temp store dir and no lock file are left');
});

test('run whose checkpoint does not fit: the trainer process reports WM_ERR_DISK naming last.wmckpt, exit 6', { timeout: 120_000 }, async (t: TestContext) => {
  // The store (~130 KB, ~400 KB while spilling) fits; the 820 KB checkpoint does not.
  const disk = tinyDisk(t, { size: '700k' });
  if (!disk) return;
  const r = await wordmill(['run', '--no-progress', '--epochs', '1', '--samples', '0'], disk.dir);
  assert.equal(r.status, 6, r.stderr);
  assert.match(errorLine(r.stderr), new RegExp(`^wordmill: cannot write checkpoint: ${disk.dir}/runs/human-numbers/[^/]+/last\\.wmckpt \\(disk full: ENOSPC\\) \\[WM_ERR_DISK\\]$`), r.stderr);
  const runs = path.join(disk.dir, 'runs', 'human-numbers');
  for (const run of readdirSync(runs)) assert.ok(!readdirSync(path.join(runs, run)).some((f) => f.includes('.tmp')), 'no temporary checkpoint is left');
});

test('tokenize with its output on a full disk (/dev/full): exit 6 naming standard output', { timeout: 30_000 }, async (t: TestContext) => {
  let full: number;
  try {
    full = openSync('/dev/full', 'w');
  } catch (e) {
    t.skip(`no /dev/full here (${(e as Error).message})`);
    return;
  }
  const r = await new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'tokenize'], { stdio: ['pipe', full, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
    child.stdin!.end('{"id":"a","text":"hello world"}\n');
  });
  closeSync(full);
  assert.equal(r.status, 6, r.stderr);
  assert.equal(r.stderr.trim(), 'wordmill: cannot write the tokens: standard output (disk full: ENOSPC) [WM_ERR_DISK]');
});
