import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../../bin/wordmill.js', import.meta.url));

export interface Ran { status: number | null; stdout: string; stderr: string }

/** Runs the real `wordmill` binary as a child process (what a user's shell does), with `env` added. */
export function runCli(args: string[], env: Record<string, string> = {}, opts: { cwd?: string; input?: string } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** A usage error as a person sees it: exactly one `wordmill: … [CODE]` line on stderr, exit 2. */
export const ONE_LINE = (code: string): RegExp => new RegExp(`^wordmill: [^\\n]+ \\[${code}\\]\\n$`);
