import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { entries, readDocuments, type ExtractOptions } from '../../src/extract/index.js';
import { rejectsWithCode } from '../util/assert-code.js';
import { withTmp } from '../util/tmp.js';
import { buildZip } from '../util/zip.js';

async function readAll(source: string | Readable, opts: ExtractOptions = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of entries(source, opts)) {
    const chunks: Buffer[] = [];
    for await (const c of e.body) chunks.push(c as Buffer);
    out[e.path] = Buffer.concat(chunks).toString('utf8');
  }
  return out;
}

const local = (f: string) => ({ url: `file://${f}`, path: f, sha256: '0'.repeat(64), size: 0, cached: true, name: path.basename(f) });

test('overlapping zip entries are refused before anything is read (two records on one local header)', async () => {
  await withTmp(async (dir) => {
    const f = path.join(dir, 'overlap.zip');
    await writeFile(f, buildZip([{ name: 'kernel.txt', body: 'k'.repeat(5000) }, { name: 'again.txt', body: 'x', pointAt: 0 }, { name: 'ok.txt', body: 'fine' }]));
    const got: string[] = [];
    const e = await rejectsWithCode((async () => { for await (const en of entries(f)) { got.push(en.path); en.body.destroy(); } })(), 'WM_ERR_ARCHIVE_CORRUPT');
    assert.deepEqual(got, [], 'refused at the central directory, not after a member');
    assert.match(e.message, /overlap\.zip: overlapping zip entries \(possible zip bomb\)/);
    assert.match(e.message, /kernel\.txt/);
    assert.match(e.message, /again\.txt/);
    assert.equal(e.message.split('\n').length, 1);
  });
});

test('an entry whose data range runs into the next entry is refused (partial overlap, quoted-overlap bombs)', async () => {
  await withTmp(async (dir) => {
    const f = path.join(dir, 'quoted.zip');
    await writeFile(f, buildZip([{ name: 'a.txt', body: 'aaaa'.repeat(100), claimExtra: 40 }, { name: 'b.txt', body: 'b' }]));
    const e = await rejectsWithCode(readAll(f), 'WM_ERR_ARCHIVE_CORRUPT');
    assert.match(e.message, /overlapping zip entries.*a\.txt.*b\.txt/);
    // The last entry's data running into the central directory is the same fault.
    const g = path.join(dir, 'tail.zip');
    await writeFile(g, buildZip([{ name: 'a.txt', body: 'a' }, { name: 'last.txt', body: 'zz', claimExtra: 10 }]));
    const e2 = await rejectsWithCode(readAll(g), 'WM_ERR_ARCHIVE_CORRUPT');
    assert.match(e2.message, /last\.txt.*runs into the central directory/);
    // An ordinary zip with many members still reads.
    const ok = path.join(dir, 'ok.zip');
    await writeFile(ok, buildZip(Array.from({ length: 20 }, (_, i) => ({ name: `m${i}.txt`, body: `member ${i} `.repeat(i + 1), store: i % 2 === 0 }))));
    assert.equal(Object.keys(await readAll(ok)).length, 20);
  });
});

test('zip members are inflated with expansion counted as it happens, and CRC-checked', async () => {
  await withTmp(async (dir) => {
    // Random-ish text compresses about 2:1, repetitive text 300:1: the ratio trips after the first
    // inflated bytes, not when a member's whole compressed size has been counted up front.
    const f = path.join(dir, 'ratio.zip');
    const body = Buffer.from('abcdefgh'.repeat(1 << 17));
    await writeFile(f, buildZip([{ name: 'rep.txt', body }]));
    const e = await rejectsWithCode(readAll(f, { maxRatio: 20, ratioMinBytes: 1 << 16 }), 'WM_ERR_ARCHIVE_LIMIT');
    assert.ok((e.details.expanded as number) < body.length / 2, `stopped after ${String(e.details.expanded)} of ${body.length} bytes`);
    const bad = path.join(dir, 'crc.zip');
    const zip = buildZip([{ name: 'c.txt', body: 'checksum me', store: true }]);
    zip[30 + 'c.txt'.length] ^= 0xff; // the first stored data byte
    await writeFile(bad, zip);
    const e2 = await rejectsWithCode(readAll(bad), 'WM_ERR_ARCHIVE_CORRUPT');
    assert.match(e2.message, /c\.txt fails its CRC-32 check/);
  });
});

test('an encrypted zip member is "encrypted, not supported" naming it; only when it is read', async () => {
  await withTmp(async (dir) => {
    const f = path.join(dir, 'secret.zip');
    await writeFile(f, buildZip([{ name: 'open.txt', body: 'plain words' }, { name: 'locked.txt', body: randomBytes(64), encrypted: true }]));
    const e = await rejectsWithCode(readAll(f), 'WM_ERR_ARCHIVE_ENTRY');
    assert.equal(e.details.member, 'locked.txt');
    assert.match(e.message, /secret\.zip: member locked\.txt is encrypted, not supported/);
    assert.doesNotMatch(e.message, /truncated or corrupt/);
    // The same through a stream (local headers only).
    const { readFile } = await import('node:fs/promises');
    const e2 = await rejectsWithCode(readAll(Readable.from([await readFile(f)]), { name: 'secret.zip' }), 'WM_ERR_ARCHIVE_ENTRY');
    assert.match(e2.message, /member locked\.txt is encrypted, not supported/);
    // A rule that does not select it reads the rest of the archive.
    const docs: string[] = [];
    for await (const d of readDocuments([local(f)], [{ glob: 'open.txt', split: 'train', docs: 'file' }])) docs.push(d.text);
    assert.deepEqual(docs, ['plain words']);
  });
});

test('a zip member in a compression method we lack names the method, not corruption', async () => {
  await withTmp(async (dir) => {
    const f = path.join(dir, 'bz.zip');
    await writeFile(f, buildZip([{ name: 'b.txt', body: deflateRawSync('x'), method: 12 }]));
    const e = await rejectsWithCode(readAll(f), 'WM_ERR_ARCHIVE_ENTRY');
    assert.match(e.message, /member b\.txt uses compression method 12 \(bzip2\), not supported/);
  });
});

test('a corrupt or truncated .bz2 is one line naming the file, not bzip2\'s eight', async () => {
  await withTmp(async (dir) => {
    const bad = path.join(dir, 'x.bz2');
    await writeFile(bad, Buffer.from('BZh91AY&SY not really bzip2 data at all'));
    const e = await rejectsWithCode(readAll(bad), 'WM_ERR_ARCHIVE_CORRUPT');
    assert.equal(e.message.split('\n').length, 1, e.message);
    assert.match(e.message, /x\.bz2/);
    assert.match(e.message, /Data integrity error/);
    assert.doesNotMatch(e.message, /bzip2recover|-tvv/);
    const whole = path.join(dir, 'words.txt');
    await writeFile(whole, randomBytes(50_000).toString('base64'));
    execFileSync('bzip2', [whole]);
    const { readFile } = await import('node:fs/promises');
    const cut = path.join(dir, 'cut.txt.bz2');
    await writeFile(cut, (await readFile(`${whole}.bz2`)).subarray(0, 5000));
    const e2 = await rejectsWithCode(readAll(cut), 'WM_ERR_ARCHIVE_CORRUPT');
    assert.equal(e2.message.split('\n').length, 1, e2.message);
    assert.match(e2.message, /cut\.txt\.bz2.*Compressed file ends unexpectedly/);
  });
});

test('a zip member that inflates past what it declares stops at maxBytes as it inflates, not after', async () => {
  await withTmp(async (dir) => {
    const f = path.join(dir, 'liar.zip');
    // 20 MB of varied text that claims to be 100 bytes: the declared-size check passes, the inflation count must not.
    const body = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `line ${i} of the member\n`).join('').slice(0, 20 << 20));
    await writeFile(f, buildZip([{ name: 'liar.txt', body, claimSize: 100 }]));
    const e = await rejectsWithCode(readAll(f, { maxBytes: 1 << 20 }), 'WM_ERR_ARCHIVE_LIMIT');
    assert.equal(e.details.member, 'liar.txt');
    assert.ok((e.details.expanded as number) <= (1 << 20) + (1 << 16), `stopped after ${String(e.details.expanded)} bytes`);
    // Within the limit, the lie itself is corruption.
    const e2 = await rejectsWithCode(readAll(f), 'WM_ERR_ARCHIVE_CORRUPT');
    assert.match(e2.message, /liar\.txt inflates to \d+ bytes, its directory says 100/);
  });
});
