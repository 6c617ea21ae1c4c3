import { open } from 'node:fs/promises';
import type { ResolvedFile } from '../download/types.js';
import { WordmillError } from '../errors.js';
import { detect, HEAD_BYTES } from '../extract/detect.js';
import { entries } from '../extract/entries.js';
import type { FileSlice } from '../extract/read-documents.js';
import { Selector } from '../extract/select.js';
import type { MemberRule, PipelineSpec } from '../pipeline/spec.js';
import { ALGORITHMS } from '../pipeline/versions.js';
import { fingerprint } from '../store/fingerprint.js';
import type { ShardPlan } from './jobs.js';

export const DEFAULT_SHARD_BYTES = 64 * 2 ** 20;

/**
 * Cuts a source into shards of about `shardBytes`: runs of whole small files; a large plain text file
 * read one document per line into byte ranges cut after a `\n` (the only mode whose documents cannot
 * change when the file is cut there); a large archive into ranges of its members. Anything else is
 * one shard. Shards are in corpus order, so merging their results in index order is one pass.
 */
export async function planShards(spec: PipelineSpec, files: ResolvedFile[], shardBytes = DEFAULT_SHARD_BYTES): Promise<ShardPlan[]> {
  if (!(Number.isInteger(shardBytes) && shardBytes >= 1)) {
    throw new WordmillError('WM_ERR_OPTION', `--shard-bytes must be a whole number >= 1 (got ${shardBytes})`, { option: 'shard-bytes' });
  }
  if (spec.source.kind === 'embedded') return [finish(spec, { index: 0, bytes: 0, files: [], embedded: true })];
  const members = spec.source.members;
  const groups: { bytes: number; files: FileSlice[] }[] = [];
  let run: FileSlice[] = [];
  let runBytes = 0;
  const flush = () => {
    if (run.length) groups.push({ bytes: runBytes, files: run });
    run = [];
    runBytes = 0;
  };
  // `every`/`offset` count over a whole directory source (as over one archive's members): a shard
  // holding part of a directory would count only its part, so the directory stays in one shard.
  const counted = members.some((r) => r.every !== undefined);
  for (const f of files) {
    if (counted && f.directory !== undefined) {
      if (run.length && run[run.length - 1].directory !== f.directory) flush();
      run.push(f);
      runBytes += f.size;
      continue;
    }
    if (f.size <= shardBytes) {
      if (runBytes + f.size > shardBytes) flush();
      run.push(f);
      runBytes += f.size;
      continue;
    }
    flush();
    for (const slice of await cut(f, members, shardBytes)) groups.push(slice);
  }
  flush();
  return groups.map((g, index) => finish(spec, { index, bytes: g.bytes, files: g.files }));
}

function finish(spec: PipelineSpec, shard: Omit<ShardPlan, 'fingerprint'>): ShardPlan {
  // What a shard result depends on: its bytes (by digest and range), how they become documents and
  // tokens. Not the vocabulary options, so a run with another minFreq reuses every shard.
  const fp = fingerprint({
    files: shard.files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes, members: f.members })),
    embedded: shard.embedded,
    members: spec.source.kind === 'files' ? spec.source.members : undefined,
    text: spec.text,
    algorithms: { documents: ALGORITHMS.documents, rules: ALGORITHMS.rules, tokenizer: ALGORITHMS.tokenizer, shard: 'shard/1' },
  });
  return { ...shard, fingerprint: fp };
}

async function cut(f: ResolvedFile, members: MemberRule[], shardBytes: number): Promise<{ bytes: number; files: FileSlice[] }[]> {
  const head = await readAt(f.path, 0, HEAD_BYTES);
  const format = detect(head);
  if (format === 'plain') {
    if (!lineSplittable(f, head, members)) return [{ bytes: f.size, files: [f] }];
    return (await lineCuts(f, shardBytes)).map((bytes) => ({ bytes: bytes.end - bytes.start, files: [{ ...f, bytes }] }));
  }
  // Archives: group members in archive order; every shard reads the archive up to its last member.
  const sizes: number[] = [];
  for await (const e of entries(f.path, { name: f.name })) {
    let n = e.size;
    if (n === undefined) {
      n = 0;
      for await (const c of e.body as AsyncIterable<Buffer>) n += c.length;
    } else e.body.destroy();
    sizes.push(n);
  }
  const out: { bytes: number; files: FileSlice[] }[] = [];
  let from = 0;
  let bytes = 0;
  for (let k = 0; k < sizes.length; k++) {
    bytes += sizes[k];
    if (bytes >= shardBytes || k === sizes.length - 1) {
      out.push({ bytes, files: [{ ...f, members: { from, to: k + 1 } }] });
      from = k + 1;
      bytes = 0;
    }
  }
  return out.length > 1 ? out : [{ bytes: f.size, files: [f] }];
}

/**
 * One document per line, UTF-8 (a UTF-16 file's `\n` bytes are not line ends), and no `every` rule
 * (those count members, and a range is not a member of its own).
 */
function lineSplittable(f: ResolvedFile, head: Buffer, members: MemberRule[]): boolean {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return false;
  if (members.some((r) => r.every !== undefined)) return false;
  return new Selector(members).match(f.name)?.docs === 'lines';
}

/** Byte ranges of about `shardBytes`, each ending just after a `\n` (or at the end of the file). */
async function lineCuts(f: ResolvedFile, shardBytes: number): Promise<{ start: number; end: number }[]> {
  const out: { start: number; end: number }[] = [];
  const fh = await open(f.path, 'r');
  try {
    const window = Buffer.alloc(64 * 1024);
    let start = 0;
    while (start < f.size) {
      let end = Math.min(start + shardBytes, f.size);
      // Move `end` forward to just past the next newline at or after it.
      for (let pos = end - 1; end < f.size;) {
        const { bytesRead } = await fh.read(window, 0, window.length, pos);
        if (bytesRead === 0) { end = f.size; break; }
        const nl = window.subarray(0, bytesRead).indexOf(0x0a);
        if (nl >= 0) { end = pos + nl + 1; break; }
        pos += bytesRead;
        if (pos >= f.size) end = f.size;
      }
      out.push({ start, end });
      start = end;
    }
  } finally {
    await fh.close();
  }
  return out;
}

async function readAt(path: string, pos: number, n: number): Promise<Buffer> {
  const fh = await open(path, 'r').catch((e: Error) => {
    throw new WordmillError('WM_ERR_NOT_FOUND', `cannot open ${path}: ${e.message}`, { path }, { cause: e });
  });
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, pos);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
