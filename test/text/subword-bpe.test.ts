import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { bpeEncode } from '../../src/text/subword/bpe.js';
import { PIECE, readModel } from '../../src/text/subword/model-file.js';
import { PieceIndex } from '../../src/text/subword/pieces.js';

// bpeEncode finds a short word's merges by scanning its live pairs and a long word's with a heap:
// both must be sentencepiece's rule, here written out plainly (best score first, leftmost on ties).
const dir = new URL('../../../test/fixtures/subword/', import.meta.url);
const model = readModel(readFileSync(new URL('bpe.model', dir)));
const index = new PieceIndex(model.pieces);
const userDefined = model.pieces.filter((p) => p.type === PIECE.USER_DEFINED).map((p) => p.piece);

function reference(text: string): number[] {
  const usable = (s: string): number | undefined => {
    const id = index.ids.get(s);
    return id === undefined || model.pieces[id].type === PIECE.UNUSED ? undefined : id;
  };
  const syms: string[] = [];
  for (let i = 0; i < text.length;) {
    const u = userDefined.find((x) => text.startsWith(x, i));
    const w = u ? u.length : text.codePointAt(i)! > 0xffff ? 2 : 1;
    syms.push(text.slice(i, i + w));
    i += w;
  }
  for (;;) {
    let best = -1;
    for (let i = 0; i + 1 < syms.length; i++) {
      const id = usable(syms[i] + syms[i + 1]);
      if (id !== undefined && (best < 0 || model.pieces[id].score > model.pieces[usable(syms[best] + syms[best + 1])!].score)) best = i;
    }
    if (best < 0) break;
    syms.splice(best, 2, syms[best] + syms[best + 1]);
  }
  return syms.map((s) => usable(s) ?? index.unkId);
}

test('subword bpe: merges by scan (short words) and by heap (long ones) are sentencepiece\'s rule', () => {
  const words = readFileSync(new URL('corpus.txt', dir), 'utf8').split(/\s+/).filter(Boolean).map((w) => `\u2581${w}`);
  // Long runs of corpus text (past the scan's limit, so the heap merges them), with unknowns and user-defined symbols inside.
  const joined = words.join('');
  for (let i = 0; i + 400 < joined.length; i += 997) words.push(joined.slice(i, i + 20 + (i % 380)), `${joined.slice(i, i + 60)}☃☃${joined.slice(i + 60, i + 90)}`);
  let long = 0;
  for (const w of words) {
    const out: number[] = [];
    bpeEncode(index, userDefined, w, out);
    assert.deepEqual(out.filter((_, k) => k % 3 === 0), reference(w), JSON.stringify(w.slice(0, 50)));
    if (w.length > 100) long++;
  }
  assert.ok(long > 20, 'long words reach the heap');
});
