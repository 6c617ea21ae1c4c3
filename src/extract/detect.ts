import { Readable } from 'node:stream';

export type Format = 'gzip' | 'zip' | 'tar' | 'bzip2' | 'plain';

/** From the bytes, never the name: gzip magic, zip local header, `ustar` at 257, bzip2 `BZh`. */
export function detect(head: Buffer): Format {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6)) return 'zip';
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
  if (isV7Tar(head)) return 'tar';
  if (head.length >= 4 && head.toString('latin1', 0, 3) === 'BZh' && head[3] >= 0x31 && head[3] <= 0x39) return 'bzip2';
  return 'plain';
}

/** Pre-POSIX tars have no `ustar` magic; their header checksum still identifies them. */
function isV7Tar(head: Buffer): boolean {
  if (head.length < 512 || head[0] === 0) return false;
  const field = head.toString('latin1', 148, 156).replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]{1,7}$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : head[i];
  return sum === parseInt(field, 8);
}

export const HEAD_BYTES = 512;

/**
 * Reads the first `n` bytes of a stream and returns them with a stream that replays everything.
 * (`unshift` cannot be used: a file shorter than `n` has already ended.) `onChunk` sees every
 * source chunk once, for byte accounting.
 */
export async function peek(source: Readable, n: number, onChunk?: (c: Buffer) => void): Promise<{ head: Buffer; stream: Readable }> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first: Buffer[] = [];
  let len = 0;
  let done = false;
  while (len < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    onChunk?.(r.value);
    first.push(r.value);
    len += r.value.length;
  }
  const head = Buffer.concat(first);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (head.length) yield head;
      if (done) return;
      for (let r = await it.next(); !r.done; r = await it.next()) {
        onChunk?.(r.value);
        yield r.value;
      }
    } finally {
      await it.return?.();
    }
  }
  return { head: head.subarray(0, Math.max(n, 0)), stream: Readable.from(replay(), { objectMode: false, highWaterMark: 1 << 16 }) };
}

/** The archive type a file name declares (`.tar.gz`, `.zip`…): outer format, and `tar` when it holds one. */
export interface Declared { label: string; outer: Format; tar: boolean }

const DECLARED: [RegExp, Declared][] = [
  [/\.(tar\.gz|tgz)$/i, { label: 'a gzip-compressed tar', outer: 'gzip', tar: true }],
  [/\.(tar\.bz2|tbz2?)$/i, { label: 'a bzip2-compressed tar', outer: 'bzip2', tar: true }],
  [/\.gz$/i, { label: 'gzip data', outer: 'gzip', tar: false }],
  [/\.bz2$/i, { label: 'bzip2 data', outer: 'bzip2', tar: false }],
  [/\.zip$/i, { label: 'a zip archive', outer: 'zip', tar: false }],
  [/\.tar$/i, { label: 'a tar archive', outer: 'tar', tar: false }],
];

export function declaredFormat(name: string): Declared | undefined {
  return DECLARED.find(([re]) => re.test(name))?.[1];
}

const FOUND: Record<Format, string> = { gzip: 'gzip data', zip: 'a zip archive', tar: 'a tar archive', bzip2: 'bzip2 data', plain: 'text' };

/** What the bytes are, for an error saying a declared type does not match: an HTML page (a server's error page) is the usual culprit. */
export function describeContent(head: Buffer, format: Format): string {
  if (format !== 'plain') return FOUND[format];
  const start = head.toString('latin1', 0, 256).replace(/^\uFEFF?\s*/, '').toLowerCase();
  if (/^<(!doctype html|html|head|body)\b/.test(start)) return 'an HTML page (a server error or login page?)';
  if (/^<\?xml\b/.test(start)) return 'an XML document';
  if (/^[{[]/.test(start)) return 'JSON or other text';
  return head.length === 0 ? 'an empty file' : 'text or unknown data';
}
