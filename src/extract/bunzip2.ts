import { spawn } from 'node:child_process';
import { Duplex, PassThrough } from 'node:stream';
import { WordmillError } from '../errors.js';

/**
 * bzip2 through the system's `bzip2 -dc` (no npm decoder is a dependency): a Duplex whose errors
 * are a missing tool (WM_ERR_ARCHIVE_ENTRY) or a corrupt stream (the exit status, as an Error).
 */
export function bunzip2(label: string): Duplex {
  const child = spawn('bzip2', ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  // The output ends only once the exit status is known: a corrupt stream must not look like a short one.
  const out = new PassThrough({ highWaterMark: 1 << 16 });
  child.stdout.pipe(out, { end: false });
  const duplex = Duplex.from({ writable: child.stdin, readable: out });
  child.on('error', (e: NodeJS.ErrnoException) => {
    duplex.destroy(e.code === 'ENOENT'
      ? new WordmillError('WM_ERR_ARCHIVE_ENTRY', `${label}: bzip2 data, and no bzip2 program to read it; unpack it and give the directory`, { path: label })
      : e);
  });
  child.on('close', (code) => {
    // bzip2 explains a bad stream in 8 lines; the first says what happened, the rest is advice.
    if (code) duplex.destroy(new Error(`bzip2 exited with status ${code}: ${firstLine(stderr) || 'no message'}`));
    else out.end();
  });
  duplex.on('close', () => {
    if (child.exitCode === null) child.kill();
    child.stdin.destroy();
    child.stdout.destroy();
    child.stderr.destroy();
  });
  child.stdin.on('error', () => undefined);
  return duplex;
}

/** The first non-empty line of a tool's stderr, without its `bzip2: ` prefix. */
export function firstLine(stderr: string): string {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  return line.replace(/^bzip2:\s*/, '');
}
