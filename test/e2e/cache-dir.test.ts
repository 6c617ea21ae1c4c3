import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { withTmp } from '../util/tmp.js';

// The CLI of this build (next to this compiled test), not bin/wordmill.js, which runs the package's dist/.
const MAIN = new URL('../../src/cli/main.js', import.meta.url).href;

/** Runs `main(argv)` in a child process, so $WORDMILL_HOME set by --cache-dir stays out of this one. */
function wordmill(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  const script = `import(${JSON.stringify(MAIN)}).then(async (m) => { process.exitCode = await m.main(process.argv.slice(1)); })`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, 'node', 'wordmill', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

test('generate --cache-dir looks for runs there, not under the default cache', async () => {
  await withTmp(async (tmp) => {
    const cacheDir = path.join(tmp, 'cache');
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: path.join(tmp, 'home') };
    delete env.WORDMILL_HOME;
    delete env.XDG_CACHE_HOME;
    const r = await wordmill(['generate', '--prompt', 'one', '--cache-dir', cacheDir], env);
    assert.notEqual(r.status, 0);
    assert.ok(r.stderr.includes(`no earlier run under ${path.join(cacheDir, 'runs')}`), r.stderr);
  });
});
