import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { entries, newStats, type ExtractOptions } from '../../src/extract/index.js';
import { buildTar, buildTarGz, imdbMembers } from '../util/archives.js';
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

test('the format comes from the bytes; a name that declares an archive type must match them', async () => {
  await withTmp(async (dir) => {
    const members = [{ name: 'a/x.txt', body: 'ex' }, { name: 'a/y.txt', body: 'why' }];
    const cases: [string, Buffer][] = [
      ['tgz-named.txt', await buildTarGz(members)],
      ['tar-named.data', await buildTar(members)],
      ['zip-named.bin', buildZip([{ name: 'a/x.txt', body: 'ex' }, { name: 'a/y.txt', body: 'why', store: true }])],
    ];
    for (const [name, bytes] of cases) {
      await writeFile(path.join(dir, name), bytes);
      assert.deepEqual(await readAll(path.join(dir, name)), { 'a/x.txt': 'ex', 'a/y.txt': 'why' }, name);
    }
    await writeFile(path.join(dir, 'ptb.train.txt.gz'), gzipSync('one\ntwo\n'));
    assert.deepEqual(await readAll(path.join(dir, 'ptb.train.txt.gz')), { 'ptb.train.txt': 'one\ntwo\n' });
    for (const [name, bytes, found] of [
      ['plain.tgz', Buffer.from('just text'), /named as a gzip-compressed tar but its content is text or unknown data/],
      ['tar-named.zip', await buildTar(members), /named as a zip archive but its content is a tar archive/],
      ['zip-named.tar.gz', buildZip([{ name: 'a/x.txt', body: 'ex' }]), /named as a gzip-compressed tar but its content is a zip archive/],
      ['gz-of-text.tgz', gzipSync('not a tar inside'), /named as a gzip-compressed tar but its content is gzip data of text or unknown data/],
    ] as const) {
      await writeFile(path.join(dir, name), bytes);
      const e = await rejectsWithCode(readAll(path.join(dir, name)), 'WM_ERR_ARCHIVE_CORRUPT');
      assert.match(e.message, found);
      assert.ok(e.message.includes(name), e.message);
    }
    await writeFile(path.join(dir, 'empty.txt'), '');
    assert.deepEqual(await readAll(path.join(dir, 'empty.txt')), { 'empty.txt': '' });
    const v7 = await buildTar([{ name: 'old/v7.txt', body: 'seventh edition' }]);
    v7.fill(0, 257, 265); // drop the ustar magic and version
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : v7[i];
    v7.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    await writeFile(path.join(dir, 'v7.tar'), v7);
    assert.deepEqual(await readAll(path.join(dir, 'v7.tar')), { 'old/v7.txt': 'seventh edition' });
    const tar = path.join(dir, 'pack.tar');
    await writeFile(tar, await buildTar(members));
    execFileSync('bzip2', ['-k', tar]);
    assert.deepEqual(await readAll(`${tar}.bz2`), { 'a/x.txt': 'ex', 'a/y.txt': 'why' });
    await writeFile(path.join(dir, 'x.bz2'), Buffer.from('BZh91AY&SY not really'));
    await rejectsWithCode(readAll(path.join(dir, 'x.bz2')), 'WM_ERR_ARCHIVE_CORRUPT');
  });
});

test('a stream input works too (tar.gz and zip with data descriptors)', async () => {
  const tgz = await buildTarGz(imdbMembers());
  const got = await readAll(Readable.from([tgz.subarray(0, 100), tgz.subarray(100)]), { name: 'imdb.tgz' });
  assert.equal(Object.keys(got).length, 9);
  assert.equal(got['aclImdb/test/pos/0_10.txt'], 'I went and saw this movie last night.');
  const zip = buildZip([{ name: 'd/1.txt', body: 'first'.repeat(100), descriptor: true }, { name: 'd/2.txt', body: 'second', descriptor: true }]);
  assert.deepEqual(await readAll(Readable.from([zip])), { 'd/1.txt': 'first'.repeat(100), 'd/2.txt': 'second' });
});

test('zip with data descriptors from a file', async () => {
  await withTmp(async (dir) => {
    const f = path.join(dir, 'dd.zip');
    await writeFile(f, buildZip([{ name: 'd/1.txt', body: 'one', descriptor: true }, { name: 'd/2.txt', body: 'two'.repeat(1000), descriptor: true, store: true }]));
    assert.deepEqual(await readAll(f), { 'd/1.txt': 'one', 'd/2.txt': 'two'.repeat(1000) });
  });
});

test('unsafe entries are skipped and counted, the rest still comes out', async () => {
  await withTmp(async (dir) => {
    const f = path.join(dir, 'evil.tar.gz');
    await writeFile(f, await buildTarGz([
      { name: '../escape.txt', body: 'up' },
      { name: '/etc/passwd.txt', body: 'abs' },
      { name: 'ok/../../twice.txt', body: 'up2' },
      { name: 'ok/link.txt', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'ok/hard.txt', type: 'link', linkname: 'ok/good.txt' },
      { name: 'ok/tty', type: 'character-device' },
      { name: 'ok/pipe', type: 'fifo' },
      { name: './ok/good.txt', body: 'good' },
    ]));
    const stats = newStats();
    assert.deepEqual(await readAll(f, { stats }), { 'ok/good.txt': 'good' });
    assert.equal(stats.unsafe, 7);
    assert.match(stats.unsafeEntries.join('\n'), /\.\.\/escape\.txt \(path with \.\.\)/);
    assert.match(stats.unsafeEntries.join('\n'), /ok\/link\.txt \(symlink\)/);
    const z = path.join(dir, 'evil.zip');
    await writeFile(z, buildZip([
      { name: '../up.txt', body: 'x' }, { name: 'link', body: '/etc/passwd', mode: 0o120777 }, { name: 'fine.txt', body: 'fine' },
    ]));
    const zstats = newStats();
    assert.deepEqual(await readAll(z, { stats: zstats }), { 'fine.txt': 'fine' });
    assert.equal(zstats.unsafe, 2);
  });
});

test('archive bombs stop at the byte limit and the ratio limit', async () => {
  await withTmp(async (dir) => {
    const f = path.join(dir, 'bomb.tar.gz');
    const bytes = await buildTarGz([{ name: 'zeros.txt', body: Buffer.alloc(8 << 20) }]);
    assert.ok(bytes.length < 20_000, 'a few KB');
    await writeFile(f, bytes);
    const e = await rejectsWithCode(readAll(f, { maxBytes: 1 << 20 }), 'WM_ERR_ARCHIVE_LIMIT');
    assert.equal(e.details.member, 'zeros.txt');
    await rejectsWithCode(readAll(f, { maxRatio: 100, ratioMinBytes: 1 << 16 }), 'WM_ERR_ARCHIVE_LIMIT');
    const gz = path.join(dir, 'bomb.txt.gz');
    await writeFile(gz, gzipSync(Buffer.alloc(8 << 20)));
    await rejectsWithCode(readAll(gz, { maxRatio: 100, ratioMinBytes: 0 }), 'WM_ERR_ARCHIVE_LIMIT');
  });
});

test('a zip declaring more than 4 GiB (zip64) is refused before it is read', async () => {
  await withTmp(async (dir) => {
    const f = path.join(dir, 'big.zip');
    await writeFile(f, buildZip([{ name: 'huge.txt', body: 'small really', zip64Size: 5 * 2 ** 30 }]));
    const e = await rejectsWithCode(readAll(f, { maxBytes: 2 ** 32 }), 'WM_ERR_ARCHIVE_LIMIT');
    assert.match(e.message, /huge\.txt declares 5368709120 bytes/);
  });
});

test('truncated and corrupt archives fail naming the member reached, never hang', async () => {
  await withTmp(async (dir) => {
    const tgz = await buildTarGz([{ name: 'a.txt', body: 'A'.repeat(5000) }, { name: 'b.txt', body: Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251)) }]);
    const f = path.join(dir, 'cut.tar.gz');
    await writeFile(f, tgz.subarray(0, Math.floor(tgz.length * 0.6)));
    const e = await rejectsWithCode(readAll(f), 'WM_ERR_ARCHIVE_CORRUPT');
    assert.equal(e.details.member, 'b.txt');
    const tarBytes = await buildTar([{ name: 'a.txt', body: 'A'.repeat(5000) }]);
    await writeFile(path.join(dir, 'cut.tar'), tarBytes.subarray(0, 2000));
    assert.equal((await rejectsWithCode(readAll(path.join(dir, 'cut.tar')), 'WM_ERR_ARCHIVE_CORRUPT')).details.member, 'a.txt');
    const gz = gzipSync(Buffer.from('text '.repeat(10_000)));
    await writeFile(path.join(dir, 'cut.txt.gz'), gz.subarray(0, gz.length - 10));
    await rejectsWithCode(readAll(path.join(dir, 'cut.txt.gz')), 'WM_ERR_ARCHIVE_CORRUPT');
    const zip = buildZip([{ name: 'z.txt', body: 'zzz' }]);
    await writeFile(path.join(dir, 'cut.zip'), zip.subarray(0, zip.length - 30));
    await rejectsWithCode(readAll(path.join(dir, 'cut.zip')), 'WM_ERR_ARCHIVE_CORRUPT');
  });
});

test('a streamed zip whose members are skipped or half-read still reaches its end', async () => {
  const zip = buildZip([{ name: 'a.txt', body: 'a'.repeat(200_000) }, { name: 'b.txt', body: 'b'.repeat(300_000), descriptor: true }, { name: 'c.txt', body: 'c' }]);
  const seen: string[] = [];
  for await (const e of entries(Readable.from([zip]))) {
    seen.push(e.path);
    if (e.path === 'b.txt') {
      for await (const c of e.body) { void c; break; }
    } else if (e.path === 'a.txt') {
      e.body.destroy();
    }
  }
  assert.deepEqual(seen, ['a.txt', 'b.txt', 'c.txt']);
});

test('entries left unread are drained: iteration never stalls', async () => {
  const big = Buffer.alloc(3 << 20, 'x');
  const tgz = await buildTarGz([{ name: 'big1', body: big }, { name: 'big2', body: big }, { name: 'small', body: 's' }]);
  const seen: string[] = [];
  for await (const e of entries(Readable.from([tgz]))) seen.push(`${e.path}:${e.size}`);
  assert.deepEqual(seen, [`big1:${big.length}`, `big2:${big.length}`, 'small:1']);
});

test('breaking out early closes the source file', async () => {
  await withTmp(async (dir) => {
    const f = path.join(dir, 'many.tar.gz');
    await writeFile(f, await buildTarGz(imdbMembers()));
    const input = createReadStream(f);
    for await (const e of entries(input)) {
      assert.equal(e.path, 'aclImdb/README');
      break;
    }
    await new Promise((r) => setImmediate(r));
    assert.equal(input.destroyed, true);
  });
});

test('no file descriptor is left open after failures, early exits and skipped members', async () => {
  await withTmp(async (dir) => {
    const tgz = await buildTarGz([{ name: 'a.txt', body: 'A'.repeat(5000) }, { name: 'b.txt', body: Buffer.alloc(300_000, 1) }]);
    await writeFile(path.join(dir, 'ok.tar.gz'), tgz);
    await writeFile(path.join(dir, 'cut.tar.gz'), tgz.subarray(0, tgz.length - 100));
    await writeFile(path.join(dir, 'ok.zip'), buildZip([{ name: 'a.txt', body: 'a' }, { name: 'b.txt', body: 'b' }]));
    await writeFile(path.join(dir, 'ok.tar'), await buildTar([{ name: 'a.txt', body: 'A'.repeat(5000) }, { name: 'b.txt', body: Buffer.alloc(300_000, 1) }]));
    execFileSync('bzip2', [path.join(dir, 'ok.tar')]);
    const { readdir } = await import('node:fs/promises');
    const fds = async () => (await readdir('/proc/self/fd')).length;
    const before = await fds();
    for (let i = 0; i < 5; i++) {
      await rejectsWithCode(readAll(path.join(dir, 'cut.tar.gz')), 'WM_ERR_ARCHIVE_CORRUPT');
      await rejectsWithCode(readAll(path.join(dir, 'ok.tar.gz'), { maxBytes: 1000 }), 'WM_ERR_ARCHIVE_LIMIT');
      for await (const e of entries(path.join(dir, 'ok.tar.gz'))) { void e; break; }
      for await (const e of entries(path.join(dir, 'ok.zip'))) { void e; break; }
      for await (const e of entries(path.join(dir, 'ok.zip'))) void e;
      for await (const e of entries(path.join(dir, 'ok.tar.bz2'))) { void e; break; }
    }
    // Child pipes and fds close asynchronously: wait (bounded) for the count to come back.
    for (let waited = 0; (await fds()) > before && waited < 3000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await fds(), before);
  });
});
