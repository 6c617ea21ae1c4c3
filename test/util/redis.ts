import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Why the cluster tests cannot run here, or undefined when `redis-server` is on the PATH. */
export function redisMissing(): string | undefined {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.status === 0) return undefined;
  return 'redis-server is not installed, so the cluster tests did not run: install it (Debian/Ubuntu `apt-get install redis-server`, macOS `brew install redis`) and run npm test again';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A throwaway redis-server on a free loopback port; `persistDir` turns on the append-only file (to survive a restart). */
export class TestRedis {
  private proc?: ChildProcess;
  private constructor(readonly port: number, private readonly persistDir?: string) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(persistDir?: string): Promise<TestRedis> {
    const r = new TestRedis(await freePort(), persistDir);
    await r.up();
    return r;
  }

  async up(): Promise<void> {
    const persist = this.persistDir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.persistDir] : ['--appendonly', 'no'];
    const proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persist], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
      proc.stdout!.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('Ready to accept connections')) { clearTimeout(timer); resolve(); }
      });
      proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited (${code}): ${out}`)); });
    });
  }

  /** Stops the server (SIGKILL: a crash, not a shutdown) and waits for it to be gone. */
  async down(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => { p.once('exit', () => resolve()); p.kill(signal); });
  }
}

/** A `wordmill` child process whose stderr is kept and can be waited on for a line. */
export class Proc {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private waiters: { re: RegExp; resolve: () => void }[] = [];
  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => { this.stdout += d; });
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d;
      this.waiters = this.waiters.filter((w) => (w.re.test(this.stderr) ? (w.resolve(), false) : true));
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Resolves once stderr matches `re` (rejects after `ms`, showing what was printed). */
  waitFor(re: RegExp, ms = 60_000): Promise<void> {
    if (re.test(this.stderr)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; stderr:\n${this.stderr}`)), ms);
      this.waiters.push({ re, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null) this.child.kill(signal);
  }
}
