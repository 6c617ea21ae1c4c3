import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, Readable, Transform } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import { WordmillError } from '../errors.js';
import type { Budget } from './limits.js';

/** What the central directory says about one entry (unzipper parses it, zip64 extras included). */
export interface ZipRecord {
  path: string;
  offsetToLocalFileHeader: number;
  compressedSize: number;
  uncompressedSize: number;
  fileNameLength: number;
  flags: number;
  compressionMethod: number;
  crc32: number;
}

const LOCAL_HEADER = 30;
const LOCAL_SIG = 0x04034b50;
/** Bit 0: traditional PKWARE encryption; bit 6: strong encryption. Method 99 is WinZip AES. */
const ENCRYPTED = 0x41;
const METHODS: Record<number, string> = { 1: 'shrink', 6: 'implode', 9: 'deflate64', 12: 'bzip2', 14: 'lzma', 93: 'zstd', 95: 'xz', 98: 'ppmd' };

const corrupt = (source: string, why: string, details: Record<string, unknown> = {}): WordmillError =>
  new WordmillError('WM_ERR_ARCHIVE_CORRUPT', `${source}: ${why}`, { path: source, ...details });

/**
 * Refuses a central directory whose entries' data overlap (one local header inside another's data,
 * or two entries on the same bytes: the overlapped zip bomb, `unzip -t`'s "overlapped components"),
 * or run into the central directory. Each entry takes at least its local header, name and compressed
 * data, so sorting by offset and comparing each end with the next start finds every overlap.
 */
export function checkLayout(records: readonly ZipRecord[], centralOffset: number, source: string): void {
  const byOffset = [...records].sort((a, b) => a.offsetToLocalFileHeader - b.offsetToLocalFileHeader);
  for (let i = 0; i < byOffset.length; i++) {
    const r = byOffset[i];
    const end = r.offsetToLocalFileHeader + LOCAL_HEADER + r.fileNameLength + r.compressedSize;
    const next = byOffset[i + 1];
    if (next && end > next.offsetToLocalFileHeader) {
      throw corrupt(source, `overlapping zip entries (possible zip bomb): ${r.path} (bytes ${r.offsetToLocalFileHeader}-${end}) overlaps ${next.path} (at ${next.offsetToLocalFileHeader})`,
        { member: r.path, other: next.path });
    }
    if (end > centralOffset) {
      throw corrupt(source, `zip entry ${r.path} (bytes ${r.offsetToLocalFileHeader}-${end}) runs into the central directory at ${centralOffset}`, { member: r.path });
    }
  }
}

/** Why a member cannot be read (encrypted, a compression method we do not have), or undefined. */
export function unsupported(r: Pick<ZipRecord, 'flags' | 'compressionMethod'>): string | undefined {
  if (r.flags & ENCRYPTED || r.compressionMethod === 99) return 'is encrypted, not supported (decrypt it and give the files)';
  if (r.compressionMethod !== 0 && r.compressionMethod !== 8) {
    return `uses compression method ${r.compressionMethod}${METHODS[r.compressionMethod] ? ` (${METHODS[r.compressionMethod]})` : ''}, not supported (only stored and deflate)`;
  }
  return undefined;
}

/** A body that fails with `err` only when read: a member no rule selects is closed unread, without an error. */
export function failingBody(err: Error): Readable {
  return new Readable({ read() { this.destroy(err); } });
}

/**
 * One member's bytes, read from `file` by its central record: the local header gives where the data
 * starts; the data must end before `limit` (the next entry). Compressed bytes are counted as they
 * are read and expanded bytes as they are inflated, so the ratio is checked on what was inflated so
 * far (a member's whole compressed size up front let a 333:1 member run to 2.4 GB before a check).
 * The CRC-32 is checked at the end. `compressedRead` says how much of the data was read, so a caller
 * can count the rest of a member left unread as passed over.
 */
export async function memberStream(file: string, r: ZipRecord, member: string, limit: number, budget: Budget): Promise<Readable & { compressedRead: number }> {
  const fh = await open(file, 'r');
  let head: Buffer;
  try {
    head = Buffer.alloc(LOCAL_HEADER);
    const { bytesRead } = await fh.read(head, 0, LOCAL_HEADER, r.offsetToLocalFileHeader);
    if (bytesRead < LOCAL_HEADER || head.readUInt32LE(0) !== LOCAL_SIG) {
      throw corrupt(budget.source, `no local header for ${member} at offset ${r.offsetToLocalFileHeader}`, { member });
    }
  } finally {
    await fh.close();
  }
  const start = r.offsetToLocalFileHeader + LOCAL_HEADER + head.readUInt16LE(26) + head.readUInt16LE(28);
  if (start + r.compressedSize > limit) {
    throw corrupt(budget.source, `overlapping zip entries (possible zip bomb): ${member}'s data (bytes ${start}-${start + r.compressedSize}) runs past the next entry at ${limit}`, { member });
  }
  const raw = r.compressedSize === 0 ? Readable.from([]) : createReadStream(file, { start, end: start + r.compressedSize - 1, highWaterMark: 1 << 16 });
  let crc = 0;
  let expanded = 0;
  const meter = new Transform({
    highWaterMark: 1 << 16,
    transform(chunk: Buffer, _enc, cb) {
      try {
        budget.add(chunk.length, member);
        crc = crc32(chunk, crc);
        expanded += chunk.length;
        cb(null, chunk);
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      if (expanded !== r.uncompressedSize) return cb(corrupt(budget.source, `zip member ${member} inflates to ${expanded} bytes, its directory says ${r.uncompressedSize}`, { member }));
      if (crc >>> 0 !== r.crc32 >>> 0) return cb(corrupt(budget.source, `zip member ${member} fails its CRC-32 check`, { member }));
      cb();
    },
  });
  const inflate = r.compressionMethod === 8 ? createInflateRaw({ chunkSize: 1 << 16 }) : new PassThrough();
  let compressedRead = 0;
  raw.on('data', (c: Buffer) => {
    compressedRead += c.length;
    budget.read(c.length);
  });
  const fail = (e: Error) => meter.destroy(e instanceof WordmillError ? e
    : corrupt(budget.source, `truncated or corrupt archive at member ${member} (${e.message})`, { member }));
  raw.on('error', fail);
  inflate.on('error', fail);
  meter.on('close', () => {
    raw.destroy();
    inflate.destroy();
  });
  raw.pipe(inflate).pipe(meter);
  return Object.defineProperty(meter, 'compressedRead', { get: () => compressedRead }) as Transform & { compressedRead: number };
}
