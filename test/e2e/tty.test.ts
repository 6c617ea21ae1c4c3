import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BIN } from '../util/cli.js';

// What a person sees: the CLI runs in a real tmux pane (a pseudo-terminal, so stderr.isTTY and the
// live bars are on), and the assertions read the pane's final screen, not a pipe.
const run = promisify(execFile);
const hasTmux = (() => {
  try { execFileSync('tmux', ['-V'], { stdio: 'ignore' }); return true; } catch { return false; }
})();
const skip = hasTmux ? false : 'tmux is not installed (.ci/run installs it): the terminal tests need a real pseudo-terminal';
if (!hasTmux) console.log(`# skipped tty tests: ${skip}`);

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `wordmill args` in a detached 160×50 tmux pane and returns the screen once the command has exited. */
async function screenOf(args: string[], home: string): Promise<{ screen: string; status: number }> {
  const session = `wm-tty-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const socket = path.join(home, 'tmux.sock');
  const cmd = `WORDMILL_HOME=${sh(home)} ${sh(process.execPath)} ${sh(BIN)} ${args.map(sh).join(' ')}; echo "EXIT=$?"; sleep 600`;
  const tmux = (...a: string[]) => run('tmux', ['-S', socket, ...a], { encoding: 'utf8' });
  await tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '50', cmd);
  try {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const { stdout } = await tmux('capture-pane', '-p', '-t', session);
      const exit = /^EXIT=(\d+)$/m.exec(stdout);
      if (exit) return { screen: stdout.slice(0, exit.index), status: Number(exit[1]) };
      if (Date.now() > deadline) throw new Error(`no exit after 240 s; screen:\n${stdout}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await tmux('kill-server').catch(() => {});
  }
}

const lines = (screen: string) => screen.split('\n').map((l) => l.trimEnd()).filter(Boolean);

test('train on a terminal: the screen ends with the last epoch row and the checkpoint line', { skip }, async () => {
  const home = await mkdtemp(path.join(os.tmpdir(), 'wordmill-tty-'));
  try {
    // A small model keeps the test quick; the batches stay the pipeline's (49 per epoch), so that
    // the throttled step events (one per 250 ms) miss the epoch's last batches as before the fix.
    const small = ['--set', 'model.emb=24', '--set', 'model.hidden=24', '--set', 'model.layers=1'];
    const { screen, status } = await screenOf(['train', '--epochs', '2', ...small], home);
    assert.equal(status, 0, screen);
    const shown = lines(screen);
    const last = shown.at(-1)!;
    assert.match(last, /^checkpoint \S+\.wmckpt$/, `the checkpoint line is the last on screen:\n${screen}`);
    // The table: header, then one row per epoch; the last row (epoch 1) just above the checkpoint.
    assert.match(shown.at(-2)!, /^\s+1\s+\d+\.\d{4}\s+\d+\.\d{4}\s+0\.\d{4}\s+\d+\.\d{3}\s+\d+\.\d+s$/, screen);
    assert.ok(shown.some((l) => /^epoch\s+train_loss\s+valid_loss/.test(l)), `table header:\n${screen}`);
    // A finished epoch states the batches it actually ran, as a count, not the last throttled frame.
    const finished = shown.filter((l) => /^epoch \d: /.test(l));
    assert.equal(finished.length, 2, screen);
    const counts = finished.map((l) => Number(/^epoch \d: (\d+) batches · /.exec(l)?.[1]));
    assert.deepEqual(counts, [49, 49], `each finished epoch ran all 49 batches of human-numbers:\n${screen}`);
    assert.ok(!shown.some((l) => /\d+\/\d+ batches/.test(l)), `no stale bar frame (n/total) is left on screen:\n${screen}`);
    assert.ok(!/[█░]/.test(screen), `no bar remains once the run is done:\n${screen}`);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
