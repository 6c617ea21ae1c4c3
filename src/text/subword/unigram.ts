import type { PieceIndex } from './pieces.js';

const f32 = Math.fround;

/** One lattice per thread, grown as needed: three typed arrays per word were most of a cold encode's garbage. */
const lattice = (size: number) => ({ score: new Float64Array(size), from: new Int32Array(size), ids: new Int32Array(size) });
let scratch = lattice(1024);

/**
 * sentencepiece's unigram `EncodeOptimized`: the best-scoring path through every piece match,
 * computed left to right (one best node per end position, the first found kept on ties), in
 * float32 as sentencepiece sums scores. A position no single-character piece covers gets the
 * unknown piece, scored `min_score - 10`; a user-defined symbol scores `bytes * max_score - 0.1`,
 * so it always wins. Appends (id, start, end) triples of `text` (already normalized) to `out`.
 *
 * `base` is the path score the text starts from (a word's segmentation is scored from the score
 * of the text before it, as sentencepiece's whole-sentence pass sums it). Returns the final path
 * score and the smallest margin of any comparison made: float32 rounding at another base can
 * only change the result when that margin is within a few units in the last place of the sums.
 */
export function viterbi(index: PieceIndex, text: string, out: number[], base = 0): { score: number; minGap: number } {
  const n = text.length;
  if (n === 0) return { score: base, minGap: Infinity };
  let minGap = Infinity;
  if (scratch.from.length <= n) scratch = lattice(2 * n + 2);
  const { score, from, ids } = scratch;
  // An unreached end scores -Infinity: any candidate beats it, and its margin (infinite) counts for nothing.
  score.fill(-Infinity, 1, n + 1);
  score[0] = base;
  const { addends, userDefined, unkId } = index;
  const unkScore = addends[unkId];
  // The trie's arrays as locals: the step below is the innermost loop of a cold encode.
  const { symbols, nodes } = index.trie;
  for (let s = 0; s < n;) {
    const c0 = text.charCodeAt(s);
    const w = c0 >= 0xd800 && c0 <= 0xdbff && s + 1 < n ? 2 : 1;
    const here = score[s];
    let single = false;
    for (let e = s, node = 0; e < n;) {
      const sym = symbols[text.charCodeAt(e++)];
      if (sym === 0) break;
      const next = (nodes[node] + sym) << 2;
      if (nodes[next + 1] !== node) break;
      node = next;
      const id = nodes[node + 2];
      if (id >= 0) {
        const cand = userDefined[id] === 1 ? addends[id] + here : f32(addends[id] + here);
        const old = score[e];
        const gap = Math.abs(cand - old);
        if (gap < minGap) minGap = gap;
        if (cand > old) { score[e] = f32(cand); from[e] = s; ids[e] = id; }
        if (e - s === w) single = true;
      }
    }
    if (!single) {
      const e = s + w;
      const cand = f32(unkScore + here);
      const old = score[e];
      const gap = Math.abs(cand - old);
      if (gap < minGap) minGap = gap;
      if (cand > old) { score[e] = cand; from[e] = s; ids[e] = unkId; }
    }
    s += w;
  }
  const start = out.length;
  for (let e = n; e > 0; e = from[e]) out.push(ids[e], from[e], e);
  // Backtracking yields the path end first: reverse the triples in place.
  for (let a = start, b = out.length - 3; a < b; a += 3, b -= 3) {
    for (let k = 0; k < 3; k++) { const t = out[a + k]; out[a + k] = out[b + k]; out[b + k] = t; }
  }
  return { score: score[n], minGap };
}

/**
 * Below what |base| a segmentation found from base 0 with path score `local` and margin `minGap`
 * is also the one found from `base`: each sum rounds by at most half an ulp of its magnitude
 * (|base| + |local| + 1 at most), and a comparison sees two paths of at most `chars + 1` sums each,
 * so a margin above twice that bound cannot flip. Rounded down (and to float32, as the word cache
 * stores it), so the test only errs toward segmenting again.
 */
export function safeLimit(local: number, chars: number, minGap: number): number {
  const limit = minGap / (2 * (chars + 2) * 2 ** -23) - Math.abs(local) - 1;
  return limit > 0 ? Math.fround(limit * (1 - 2 ** -20)) : 0;
}
