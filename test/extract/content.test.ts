import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import { fetchSource } from '../../src/download/index.js';
import { readDocuments, toDocuments, type ExtractOptions } from '../../src/extract/index.js';
import { sniff } from '../../src/extract/sniff.js';
import { loadPipeline } from '../../src/pipeline/load.js';
import { prepare } from '../../src/pipeline/prepare.js';
import type { MemberRule } from '../../src/pipeline/spec.js';
import { defaultContext, type Progress } from '../../src/stage.js';
import type { Entry } from '../../src/types.js';
import { buildTarGz } from '../util/archives.js';
import { rejectsWithCode } from '../util/assert-code.js';
import { TestServer } from '../util/http-server.js';
import { withTmp } from '../util/tmp.js';

/** A real PNG: signature, IHDR, one IDAT, IEND (CRCs left zero: only the signature matters here). */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => Buffer.concat([Buffer.alloc(4, 0), Buffer.from(type), data, Buffer.alloc(4)]);
  const ihdr = Buffer.from([0, 0, 0, 16, 0, 0, 0, 16, 8, 2, 0, 0, 0]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(Array.from({ length: 800 }, (_, i) => (i * 37) & 0xff)))), chunk('IEND', Buffer.alloc(0))]);
}

const utf16 = (s: string, be = false): Buffer => {
  const le = Buffer.from(`\uFEFF${s}`, 'utf16le');
  return be ? le.swap16() : le;
};
const utf32 = (s: string, be = false): Buffer => {
  const cps = [0xfeff, ...[...s].map((c) => c.codePointAt(0)!)];
  const b = Buffer.alloc(cps.length * 4);
  cps.forEach((cp, i) => (be ? b.writeUInt32BE(cp, i * 4) : b.writeUInt32LE(cp, i * 4)));
  return b;
};
/** Deterministic bytes with no magic number and no NUL: what a compressed or encrypted blob looks like. */
const noise = (n: number): Buffer => {
  let s = 12345;
  return Buffer.from(Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) % 255) + 1));
};

test('sniff: magic numbers, NULs, invalid-sequence and control density are binary; BOMs name the encoding', () => {
  const cases: [string, Buffer, string][] = [
    ['png', png(), 'binary:PNG image'],
    ['jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]), 'binary:JPEG image'],
    ['pdf', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'binary:PDF document'],
    ['elf', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(100)]), 'binary:ELF executable'],
    ['nested gzip', gzipSync('text'), 'binary:gzip data'],
    ['sqlite', Buffer.from('SQLite format 3\0'), 'binary:SQLite database'],
    ['a NUL', Buffer.from('looks like text\0 but is not'), 'binary:NUL bytes (binary data, or UTF-16/32 without a byte-order mark)'],
    ['utf-16 without BOM', Buffer.from('hello world', 'utf16le'), 'binary:NUL bytes (binary data, or UTF-16/32 without a byte-order mark)'],
    ['noise', noise(4096), 'binary'],
    ['controls', Buffer.from('\x01\x02\x03\x04'.repeat(40) + 'abc'), 'binary'],
    ['utf-8', Buffer.from('plain words, naïve café'), 'text:utf-8'],
    ['utf-8 BOM', Buffer.from('\uFEFFwords'), 'text:utf-8'],
    ['utf-16le BOM', utf16('words'), 'text:utf-16le'],
    ['utf-16be BOM', utf16('words', true), 'text:utf-16be'],
    ['utf-32le BOM', utf32('words'), 'text:utf-32le'],
    ['utf-32be BOM', utf32('words', true), 'text:utf-32be'],
    ['latin-1 prose', Buffer.from('Le caf\xe9 est tr\xe8s bon, d\xe9j\xe0 vu, na\xefve. '.repeat(50), 'latin1'), 'text:utf-8'],
    ['two bad bytes', Buffer.from([0x61, 0xff, 0x62, 0xc3]), 'text:utf-8'],
    ['empty', Buffer.alloc(0), 'text:utf-8'],
    ['ANSI log', Buffer.from('\x1b[31mred\x1b[0m line\n'.repeat(20)), 'text:utf-8'],
  ];
  for (const [name, bytes, want] of cases) {
    const got = sniff(bytes);
    const label = got.kind === 'text' ? `text:${got.encoding}` : `binary:${got.what}`;
    assert.ok(label === want || (want === 'binary' && got.kind === 'binary'), `${name}: ${label}, want ${want}`);
  }
});

const entry = (p: string, ...chunks: Buffer[]): Entry => ({ path: p, body: Readable.from(chunks) });
async function texts(es: Entry[], opts: Parameters<typeof toDocuments>[2] = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const d of toDocuments(Readable.from(es), [{ glob: '**', split: 'train', docs: 'file' }], opts)) out.push(d.text);
  return out;
}

test('UTF-16 and UTF-32 with a BOM are decoded, whatever the chunk boundaries', async () => {
  const s = 'Grüße, 𝒳 and ☃ — words\r\nline two';
  for (const [name, bytes] of [['le16', utf16(s)], ['be16', utf16(s, true)], ['le32', utf32(s)], ['be32', utf32(s, true)]] as const) {
    for (const cut of [1, 3, 5, 7]) {
      const pieces: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += cut) pieces.push(bytes.subarray(i, i + cut));
      assert.deepEqual(await texts([entry(`${name}.txt`, ...pieces)], { crlf: true }), [s.replace('\r\n', '\n')], `${name} in pieces of ${cut}`);
    }
  }
});

test('a binary member fails naming it by default; with binary: "skip" it is left out and listed', async () => {
  await withTmp(async (dir) => {
    const corpus = path.join(dir, 'corpus');
    await mkdir(path.join(corpus, 'img'), { recursive: true });
    await writeFile(path.join(corpus, 'a.txt'), 'first document');
    await writeFile(path.join(corpus, 'img', 'logo.png'), png());
    await writeFile(path.join(corpus, 'u16.txt'), utf16('second document'));
    await writeFile(path.join(corpus, 'blob.dat'), noise(20_000));
    const files = await fetchSource([{ url: corpus }], { cacheDir: path.join(dir, 'cache') }, defaultContext());
    const rules: MemberRule[] = [{ glob: '**', split: 'train', docs: 'file' }];
    const collect = async (opts: ExtractOptions, ctx = defaultContext()) => {
      const out: string[] = [];
      const reader = readDocuments(files, rules, opts, ctx);
      for await (const d of reader) out.push(`${d.id}=${d.text}`);
      return { out, stats: reader.stats };
    };
    const e = await rejectsWithCode(collect({}), 'WM_ERR_ARCHIVE_ENTRY');
    assert.match(e.message, /corpus\/blob\.dat is not text \(\d+% invalid UTF-8 sequences\); set source\.binary to "skip"/);
    let done = '';
    const progress: Progress = { start() {}, tick() {}, done: (_t, m) => { done = m ?? ''; }, log() {} };
    const { out, stats } = await collect({ binary: 'skip' }, { signal: new AbortController().signal, progress });
    assert.deepEqual(out, ['a.txt#0=first document', 'u16.txt#0=second document']);
    assert.equal(stats.binary, 2);
    assert.match(stats.binaryEntries.join('\n'), /img\/logo\.png \(PNG image\)/);
    assert.match(done, /2 non-text members skipped \(.*blob\.dat.*logo\.png \(PNG image\)\)/);
    // A rule's own policy wins over the option.
    const mixed = readDocuments(files, [{ glob: 'img/**', split: 'train', docs: 'file', binary: 'skip' }, { glob: '*.txt', split: 'train', docs: 'file' }]);
    const got: string[] = [];
    for await (const d of mixed) got.push(d.id);
    assert.deepEqual(got, ['a.txt#0', 'u16.txt#0']);
    // Inside an archive the error names the archive and the member.
    const tgz = path.join(dir, 'pack.tgz');
    await writeFile(tgz, await buildTarGz([{ name: 'p/ok.txt', body: 'fine' }, { name: 'p/logo.png', body: png() }]));
    const packed = await fetchSource([{ url: tgz }], { cacheDir: path.join(dir, 'cache') }, defaultContext());
    const e2 = await rejectsWithCode((async () => { for await (const d of readDocuments(packed, rules)) void d; })(), 'WM_ERR_ARCHIVE_ENTRY');
    assert.match(e2.message, /^pack\.tgz: member p\/logo\.png is not text \(PNG image\)/);
  });
});

test('an HTML error page served with 200 for a .tar.gz url is WM_ERR_ARCHIVE_CORRUPT naming both', async () => {
  const server = await TestServer.start();
  try {
    await withTmp(async (dir) => {
      const url = server.route('/data/corpus.tar.gz', { body: Buffer.from('<!DOCTYPE html>\n<html><body><h1>Service Unavailable</h1></body></html>\n') });
      const files = await fetchSource([{ url }], { cacheDir: dir, noProxy: '*' }, defaultContext());
      const reader = readDocuments(files, [{ glob: '**', split: 'train', docs: 'file' }]);
      const e = await rejectsWithCode((async () => { for await (const d of reader) void d; })(), 'WM_ERR_ARCHIVE_CORRUPT');
      assert.match(e.message, /corpus\.tar\.gz is named as a gzip-compressed tar but its content is an HTML page/);
      assert.equal(e.message.split('\n').length, 1);
    });
  } finally {
    await server.close();
  }
});

test('prepare: source.binary "skip" from the spec (and --set) leaves a PNG out of the vocabulary', async () => {
  await withTmp(async (dir) => {
    const corpus = path.join(dir, 'corpus');
    await mkdir(corpus);
    await writeFile(path.join(corpus, 'doc.txt'), 'the cat sat on the mat . '.repeat(20));
    await writeFile(path.join(corpus, 'photo.png'), png());
    const spec = await loadPipeline(corpus, ['text.tokenizer=whitespace', 'text.rules=none', 'vocab.minFreq=1']);
    const e = await rejectsWithCode(prepare(spec, { workers: 1, root: path.join(dir, 'root') }, defaultContext()), 'WM_ERR_ARCHIVE_ENTRY');
    assert.match(e.message, /photo\.png is not text \(PNG image\)/);
    const skip = await loadPipeline(corpus, ['text.tokenizer=whitespace', 'text.rules=none', 'vocab.minFreq=1', 'source.binary=skip']);
    const { store } = await prepare(skip, { workers: 1, root: path.join(dir, 'root') }, defaultContext());
    assert.deepEqual([...store.vocab.itos].filter((t) => t && !t.startsWith('xx')).sort(), ['.', 'cat', 'mat', 'on', 'sat', 'the']);
  });
});
