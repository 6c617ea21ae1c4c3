import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { toDocuments } from '../../src/extract/documents.js';
import { inValidShare } from '../../src/extract/valid.js';
import { loadPipeline } from '../../src/pipeline/load.js';
import { prepare } from '../../src/pipeline/prepare.js';
import type { MemberRule } from '../../src/pipeline/spec.js';
import { defaultContext } from '../../src/stage.js';
import type { Doc, Entry } from '../../src/types.js';
import { rejectsWithCode } from '../util/assert-code.js';
import { withTmp } from '../util/tmp.js';

/** One member whose bytes arrive in pieces of `piece` bytes (1 puts every boundary inside a field). */
function entry(p: string, content: string | Buffer, piece = 1 << 16): Entry {
  const buf = Buffer.isBuffer(content) ? content : Buffer.from(content);
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += piece) parts.push(buf.subarray(i, i + piece));
  return { path: p, size: buf.length, body: Readable.from(parts) };
}

async function docs(e: Entry, rule: Omit<MemberRule, 'glob'>): Promise<Doc[]> {
  const out: Doc[] = [];
  async function* one() { yield e; }
  for await (const d of toDocuments(one(), [{ glob: '**', ...rule }])) out.push(d);
  return out;
}

const strip = (ds: Doc[]) => ds.map(({ split, label, text }) => ({ split, label, text }));

test('CSV: header columns by name, quoted commas, doubled quotes, multi-line fields, BOM and CRLF; the same at every chunk boundary', async () => {
  const csv = '\ufeffid,review,sentiment\r\n1,"Great, really ""great""\r\nsecond line",pos\r\n\r\n2,plain,neg\r\n';
  const want = [
    { split: 'train', label: 'pos', text: 'Great, really "great"\r\nsecond line' },
    { split: 'train', label: 'neg', text: 'plain' },
  ];
  for (const piece of [1, 3, 1 << 16]) {
    const got = await docs(entry('r.csv', csv, piece), { split: 'train', docs: 'csv', text: { column: 'review' }, label: { column: 'sentiment' } });
    assert.deepEqual(strip(got), want, `pieces of ${piece}`);
    assert.deepEqual(got.map((d) => d.id), ['r.csv#0', 'r.csv#1']);
  }
});

test('TSV without a header (columns by position) and JSON Lines (HF datasets: integer labels, blank lines, long lines in pieces)', async () => {
  const tsv = await docs(entry('a.tsv', 'neg\tbad one\npos\t"quoted\ttab"\n'), { split: 'train', docs: 'tsv', header: false, text: { column: 1 }, label: { column: 0 } });
  assert.deepEqual(strip(tsv), [{ split: 'train', label: 'neg', text: 'bad one' }, { split: 'train', label: 'pos', text: 'quoted\ttab' }]);
  const long = 'x'.repeat(100_000);
  const jsonl = `{"text":"good","label":1}\n\n{"label":0,"text":"${long}"}\n{"text":"no newline at end","label":1}`;
  const js = await docs(entry('d.jsonl', jsonl, 7), { split: 'train', docs: 'jsonl', label: { column: 'label' } });
  assert.deepEqual(strip(js), [
    { split: 'train', label: '1', text: 'good' },
    { split: 'train', label: '0', text: long },
    { split: 'train', label: '1', text: 'no newline at end' },
  ]);
});

test('bad tables: errors name the file and line, or the missing column and the header', async () => {
  const rule = { split: 'train', docs: 'csv' as const, label: { column: 'label' } };
  let e = await rejectsWithCode(docs(entry('bad.csv', 'text,label\nok,pos\n"open quote,neg\nmore\n'), rule), 'WM_ERR_INPUT');
  assert.match(e.message, /^bad\.csv:\d+: not valid CSV/);
  e = await rejectsWithCode(docs(entry('cols.csv', 'body,label\nx,pos\n'), rule), 'WM_ERR_SPEC');
  assert.match(e.message, /cols\.csv: no text column "text" \(the header has \["body","label"\]\)/);
  e = await rejectsWithCode(docs(entry('short.csv', 'label,text\npos\n', 1), { ...rule, header: true }), 'WM_ERR_INPUT');
  assert.match(e.message, /^short\.csv:2: /);
  e = await rejectsWithCode(docs(entry('empty.csv', 'text,label\nhello,\n'), rule), 'WM_ERR_INPUT');
  assert.match(e.message, /^empty\.csv:2: empty label/);
  e = await rejectsWithCode(docs(entry('d.jsonl', '{"text":"a","label":1}\n{"text":"b",\n'), { split: 'train', docs: 'jsonl', label: { column: 'label' } }), 'WM_ERR_INPUT');
  assert.match(e.message, /^d\.jsonl:2: not valid JSON/);
  e = await rejectsWithCode(docs(entry('d.jsonl', '{"txt":"a"}\n'), { split: 'train', docs: 'jsonl' }), 'WM_ERR_INPUT');
  assert.match(e.message, /^d\.jsonl:1: no string "text" \(keys: txt\)/);
});

test('multi-label and regression targets are named in the format but refused, naming the option', async () => {
  const t = entry('x.csv', 'text,label\na,b\n');
  let e = await rejectsWithCode(docs(t, { split: 'train', docs: 'csv', label: { column: 'label', delim: ';' } }), 'WM_ERR_SPEC');
  assert.match(e.message, /"label\.delim" .*label_delim.* not yet supported/);
  assert.equal(e.details.option, 'source.members[0].label.delim');
  e = await rejectsWithCode(docs(t, { split: 'train', docs: 'csv', label: { column: 'label', kind: 'regression' } }), 'WM_ERR_SPEC');
  assert.match(e.message, /"label\.kind" \(regression targets\) .*not yet supported/);
  e = await rejectsWithCode(docs(t, { split: 'train', docs: 'file', label: { column: 'label' } }), 'WM_ERR_SPEC');
  assert.match(e.message, /needs a csv, tsv or jsonl member/);
  e = await rejectsWithCode(docs(t, { split: 'train', docs: 'csv', valid: { pct: 1.5 } }), 'WM_ERR_SPEC');
  assert.match(e.message, /valid\.pct/);
  e = await rejectsWithCode(docs(t, { split: 'train', docs: 'csv', colums: 'x' } as unknown as MemberRule), 'WM_ERR_SPEC');
  assert.match(e.message, /source\.members\[0\]\.colums: is not a known key; known: glob, split/);
});

test('valid_pct: a seeded share, the same documents whatever their order, about pct of them; valid_col by column', async () => {
  const ids = Array.from({ length: 4000 }, (_, i) => `t.csv#${i}`);
  const chosen = ids.filter((id) => inValidShare(id, 0.2, 42));
  // Binomial(4000, 0.2): sd ≈ 25; 5 sd either way.
  assert.ok(Math.abs(chosen.length - 800) < 125, `${chosen.length} of 4000`);
  assert.deepEqual([...ids].reverse().filter((id) => inValidShare(id, 0.2, 42)).reverse(), chosen);
  assert.notDeepEqual(ids.filter((id) => inValidShare(id, 0.2, 7)), chosen);
  assert.equal(ids.filter((id) => inValidShare(id, 0, 42)).length, 0);
  const rows = ['text,label', ...ids.map((_, i) => `doc ${i},${i % 2 ? 'a' : 'b'}`)].join('\n');
  const got = await docs(entry('t.csv', rows), { split: 'train', docs: 'csv', label: { column: 'label' }, valid: { pct: 0.2, seed: 42 } });
  assert.deepEqual(got.filter((d) => d.split === 'valid').map((d) => d.id), chosen);
  const byCol = await docs(entry('v.csv', 'text,label,is_valid\na,x,False\nb,y,True\nc,x,1\n'), { split: 'train', docs: 'csv', label: { column: 'label' }, valid: { column: 'is_valid' } });
  assert.deepEqual(byCol.map((d) => d.split), ['train', 'valid', 'valid']);
});

async function folder(root: string, layout: Record<string, string[]>): Promise<void> {
  for (const [dir, texts] of Object.entries(layout)) {
    await mkdir(path.join(root, dir), { recursive: true });
    for (const [i, t] of texts.entries()) await writeFile(path.join(root, dir, `${i}.txt`), t);
  }
  await writeFile(path.join(root, 'README.md'), 'not a document');
}

test('a from_folder / IMDB layout is a labelled pipeline with no spec: labels in the store, test/ as validation, unsup/ apart', async () => {
  await withTmp(async (tmp) => {
    const dir = path.join(tmp, 'movies');
    await folder(dir, {
      'train/pos': ['good film', 'loved it', 'great'], 'train/neg': ['bad film', 'hated it'], 'train/unsup': ['no label here'],
      'test/pos': ['fine film'], 'test/neg': ['awful'],
    });
    const spec = await loadPipeline(dir);
    assert.deepEqual(spec.splits, { train: 'train', valid: 'test' });
    const { store } = await prepare(spec, { workers: 1, root: path.join(tmp, 'root') }, defaultContext());
    assert.deepEqual(store.meta.labels, ['neg', 'pos']);
    const train = store.split('train');
    assert.equal(train.docStarts.length - 1, 5);
    // Folders are read in sorted order: neg before pos.
    assert.deepEqual([...train.labels!], [0, 0, 1, 1, 1]);
    assert.deepEqual([...store.split('test').labels!], [0, 1]);
    assert.equal(store.meta.splits.unsup.labeled, false);
    assert.equal(store.meta.splits.unsup.docs, 1);
    // Relabelling one file changes the store: labels come from the layout, which the fingerprint covers.
    await writeFile(path.join(dir, 'train/neg/9.txt'), 'mediocre');
    const again = await prepare(await loadPipeline(dir), { workers: 1, root: path.join(tmp, 'root') }, defaultContext());
    assert.notEqual(again.result.fingerprint, store.meta.fingerprint);
  });
});

test('a labelled folder without valid/ or test/ gets a seeded valid_pct split; a CSV path is labelled too', async () => {
  await withTmp(async (tmp) => {
    const dir = path.join(tmp, 'plain');
    await folder(dir, { 'train/a': Array.from({ length: 30 }, (_, i) => `alpha ${i}`), 'train/b': Array.from({ length: 30 }, (_, i) => `beta ${i}`) });
    const spec = await loadPipeline(dir);
    assert.deepEqual(spec.splits, { train: 'train', valid: 'valid' });
    const { store } = await prepare(spec, { workers: 1, root: path.join(tmp, 'root') }, defaultContext());
    const nValid = store.meta.splits.valid.docs;
    assert.equal(store.meta.splits.train.docs + nValid, 60);
    const expected = ['a', 'b'].flatMap((l) => Array.from({ length: 30 }, (_, i) => `train/${l}/${i}.txt#0`)).filter((id) => inValidShare(id, 0.2, 42)).length;
    assert.equal(nValid, expected);
    const csv = path.join(tmp, 'reviews.csv');
    await writeFile(csv, 'label,text\npos,"good, very"\nneg,bad\n');
    // No valid share: the spec then asks for no valid split (an asked-for split that comes out empty fails prepare).
    const t = await loadPipeline(csv, ['source.members.0.valid.pct=0', 'splits={"train":"train"}']);
    assert.equal(t.name, 'reviews');
    const r = await prepare(t, { workers: 1, root: path.join(tmp, 'root') }, defaultContext());
    assert.deepEqual(r.store.meta.labels, ['neg', 'pos']);
    assert.deepEqual([...r.store.split('train').labels!], [1, 0]);
  });
});

test('a refused member rule is reported when the pipeline is loaded, before any download', async () => {
  await withTmp(async (tmp) => {
    const csv = path.join(tmp, 'x.csv');
    await writeFile(csv, 'text,label\na,b\n');
    // A --set key is a usage error (WM_ERR_OPTION); the same key in a spec file is WM_ERR_SPEC.
    const e = await rejectsWithCode(loadPipeline(csv, ['source.members.0.label.delim=;']), 'WM_ERR_OPTION');
    assert.match(e.message, /source\.members\[0\]\.label\.delim: "label\.delim" .*not yet supported/);
  });
});
