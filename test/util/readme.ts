import { execFileSync, spawn } from 'node:child_process';
import { cp, link, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * The shell commands of a README: every line of its ```sh blocks, with `\` continuations joined,
 * comments dropped, `a && b` split into its commands and runs of blanks outside quotes made one,
 * in order (a command shown twice is listed twice). Pipes stay one command: `jq … | npx wordmill …`
 * is what a user types and what the test runs.
 */
export function readmeCommands(markdown: string): string[] {
  const out: string[] = [];
  for (const m of markdown.matchAll(/^```sh[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)) {
    const joined = m[1].replace(/\\\n[ \t]*/g, ' ');
    for (const line of joined.split('\n')) {
      for (const cmd of splitLine(line)) if (cmd) out.push(cmd);
    }
  }
  return out;
}

/** One line → its commands: a `#` that starts a word outside quotes ends the line; `&&` outside quotes separates. */
function splitLine(line: string): string[] {
  const cmds: string[] = [];
  let cur = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"' && i + 1 < line.length) { cur += c + line[++i]; continue; }
      if (c === quote) quote = undefined;
      cur += c;
      continue;
    }
    if (c === "'" || c === '"') { quote = c; cur += c; continue; }
    if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) break;
    if (c === '&' && line[i + 1] === '&') { cmds.push(cur); cur = ''; i++; continue; }
    if (/\s/.test(c)) { if (!cur.endsWith(' ')) cur += ' '; continue; }
    cur += c;
  }
  cmds.push(cur);
  return cmds.map((s) => s.trim());
}

/**
 * A copy of the repository's tracked files (`git ls-files`: no node_modules, no dist, nothing
 * ignored or untracked), at `dest`, as a user's fresh clone has them. Uncommitted edits to tracked
 * files are copied as they are on disk, so a README being edited is tested as it reads now.
 */
export async function freshCheckout(repo: string, dest: string): Promise<void> {
  const files = execFileSync('git', ['ls-files', '-z', '--cached'], { cwd: repo, encoding: 'utf8', maxBuffer: 64 << 20 }).split('\0').filter(Boolean);
  await mkdir(dest, { recursive: true });
  for (const f of files) {
    const from = path.join(repo, f);
    // A tracked file deleted in the working tree is not in the user's clone either.
    await cp(from, path.join(dest, f), { recursive: false, force: true, verbatimSymlinks: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }
}

/**
 * A private npm cache made from the one this machine already has: its index is copied (npm appends
 * to index files in place) and its content, which npm only ever adds to by content address, is
 * hard-linked (copied where links are refused). `npm install --offline` then installs from it, and
 * nothing the test installs lands in the developer's own cache.
 */
export async function privateNpmCache(from: string, dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  await cp(path.join(from, '_cacache', 'index-v5'), path.join(dest, '_cacache', 'index-v5'), { recursive: true });
  await linkTree(path.join(from, '_cacache', 'content-v2'), path.join(dest, '_cacache', 'content-v2'));
}

async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const e of await readdir(from, { withFileTypes: true })) {
    const a = path.join(from, e.name);
    const b = path.join(to, e.name);
    if (e.isDirectory()) await linkTree(a, b);
    else await link(a, b).catch(() => cp(a, b));
  }
}

export interface Ran { command: string; status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; seconds: number; timedOut: boolean }

/** A command started by `bash -c` in its own process group, so that it and its children can be signalled together. */
export class ShellCommand {
  stdout = '';
  stderr = '';
  readonly done: Promise<Ran>;
  private timedOut = false;
  private readonly pid: number;
  private waiters: { re: RegExp; resolve: () => void }[] = [];

  constructor(readonly command: string, opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }) {
    const started = performance.now();
    const child = spawn('bash', ['-c', command], { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.pid = child.pid!;
    const seen = () => { this.waiters = this.waiters.filter((w) => (w.re.test(this.stdout + this.stderr) ? (w.resolve(), false) : true)); };
    child.stdout.on('data', (d: Buffer) => { this.stdout += d; seen(); });
    child.stderr.on('data', (d: Buffer) => { this.stderr += d; seen(); });
    const timer = setTimeout(() => { this.timedOut = true; this.signal('SIGKILL'); }, opts.timeoutMs);
    // 'close', not 'exit': output is complete only when every process of the group has let go of the pipes.
    this.done = new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (status, signal) => {
        clearTimeout(timer);
        // Whatever the group left running (a worker npx did not wait for) goes with it.
        this.signal('SIGKILL');
        resolve({ command, status, signal, stdout: this.stdout, stderr: this.stderr, seconds: (performance.now() - started) / 1000, timedOut: this.timedOut });
      });
    });
  }

  /** Signals the whole group (Ctrl-C on a terminal signals the foreground group the same way). */
  signal(sig: NodeJS.Signals): void {
    try { process.kill(-this.pid, sig); } catch { /* already gone */ }
  }

  /** Resolves once stdout or stderr matches `re`; rejects if the command ends first or after `ms`. */
  waitFor(re: RegExp, ms: number): Promise<void> {
    if (re.test(this.stdout + this.stderr)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.command}: nothing matched ${re} within ${ms} ms; output:\n${this.stdout}${this.stderr}`)), ms);
      void this.done.then((r) => { clearTimeout(timer); if (!re.test(r.stdout + r.stderr)) reject(new Error(`${this.command} ended (status ${r.status}) before printing ${re}; output:\n${r.stdout}${r.stderr}`)); });
      this.waiters.push({ re, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }
}
