import { HAN, INHERITED, scriptOf } from './script.js';
import { cmpCodePoints, UNK_CHAR, type WordCounts } from './sentences.js';

export interface BpeOptions {
  pieces: number;
  maxPieceLength: number;
  log?: (line: string) => void;
}

/** Whether joined text is a valid piece (sentencepiece's IsValidSentencePiece with its defaults). */
function valid(text: string, maxLength: number): boolean {
  let n = 0;
  let prev = -1;
  for (const c of text) {
    if (++n > maxLength) return false;
    const cp = c.codePointAt(0)!;
    if (c === UNK_CHAR || cp === 0x20 || cp === 0 || cp === 9) return false;
    if (cp === 0x2581) { if (n > 1) return false; continue; }
    let s = scriptOf(cp);
    if (s === INHERITED) s = prev;
    if (s !== -1 && prev !== -1 && s !== prev) return false;
    prev = s === HAN ? HAN : s;
  }
  return true;
}

type Entry = [freq: number, chars: number, text: string, left: number, right: number];

/**
 * sentencepiece's BPE trainer (bpe_model_trainer.cc): words start as characters; repeatedly the most
 * frequent adjacent pair becomes a piece (ties: fewer characters, then byte order), scored by
 * -(its rank), until the vocabulary minus the alphabet is full; then the required characters.
 * Pair counts are kept incrementally; every pair whose count changed is offered again to a max-heap
 * whose stale entries are skipped. Symbols are interned as numbers and a pair is one number
 * (left × base + right): string pair keys were most of the cost.
 */
export function trainBpe(wc: WordCounts, opts: BpeOptions): Array<[string, number]> {
  const symbols: string[] = [];
  const lengths: number[] = [];
  const ids = new Map<string, number>();
  const intern = (text: string, chars: number): number => {
    let id = ids.get(text);
    if (id === undefined) { id = symbols.length; ids.set(text, id); symbols.push(text); lengths.push(chars); }
    return id;
  };
  const words = wc.words.map((w) => Array.from(w, (c) => intern(c, 1)));
  // Every merge adds at most one symbol: pair numbers stay below base², small integers for usual vocabularies.
  const base = symbols.length + opts.pieces + 1;
  const unk = ids.get(UNK_CHAR) ?? -1;
  const freq = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  let changed = new Set<number>();
  const add = (w: number, sign: number): void => {
    const sym = words[w];
    const count = sign * wc.counts[w];
    for (let i = 0; i + 1 < sym.length; i++) {
      // Characters outside the alphabet were replaced by U+2585: no pair with one is a piece.
      if (sym[i] === unk || sym[i + 1] === unk) continue;
      const k = sym[i] * base + sym[i + 1];
      changed.add(k);
      freq.set(k, (freq.get(k) ?? 0) + count);
      if (sign > 0) { let s = where.get(k); if (!s) where.set(k, (s = new Set())); s.add(w); }
    }
  };
  for (let w = 0; w < words.length; w++) add(w, 1);
  changed = new Set();
  const heap: Entry[] = [];
  const better = (a: Entry, b: Entry): boolean => a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] < b[1] : cmpCodePoints(a[2], b[2]) < 0;
  const push = (e: Entry): void => {
    heap.push(e);
    for (let i = heap.length - 1; i > 0;) { const p = (i - 1) >> 1; if (!better(heap[i], heap[p])) break; [heap[i], heap[p]] = [heap[p], heap[i]]; i = p; }
  };
  const pop = (): Entry => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1, r = l + 1;
        let b = i;
        if (l < heap.length && better(heap[l], heap[b])) b = l;
        if (r < heap.length && better(heap[r], heap[b])) b = r;
        if (b === i) break;
        [heap[i], heap[b]] = [heap[b], heap[i]];
        i = b;
      }
    }
    return top;
  };
  const offer = (k: number): void => {
    const f = freq.get(k) ?? 0;
    if (f <= 0) return;
    const a = Math.floor(k / base), b = k - a * base;
    const chars = lengths[a] + lengths[b];
    if (chars > opts.maxPieceLength) return;
    const text = symbols[a] + symbols[b];
    if (!valid(text, opts.maxPieceLength)) return;
    push([f, chars, text, a, b]);
  };
  for (const k of freq.keys()) offer(k);
  const budget = opts.pieces - wc.required.length;
  const out: Array<[string, number]> = [];
  const seen = new Set<string>();
  while (out.length < budget && heap.length) {
    const [f, chars, text, a, b] = pop();
    const k = a * base + b;
    if ((freq.get(k) ?? 0) !== f) continue; // stale
    freq.delete(k);
    if (seen.has(text)) continue; // the same text reached by another pair: one piece
    seen.add(text);
    out.push([text, -out.length]);
    const joined = intern(text, chars);
    for (const w of where.get(k) ?? []) {
      add(w, -1);
      const sym = words[w];
      let n = 0;
      for (let i = 0; i < sym.length; i++) {
        if (i + 1 < sym.length && sym[i] === a && sym[i + 1] === b) { sym[n++] = joined; i++; } else sym[n++] = sym[i];
      }
      sym.length = n;
      add(w, 1);
    }
    where.delete(k);
    freq.delete(k);
    for (const t of changed) if (t !== k) offer(t);
    changed = new Set();
    if (out.length % 1000 === 0) opts.log?.(`subword: ${out.length} BPE merges`);
  }
  for (const [c] of wc.required) out.push([c, -out.length]);
  return out;
}

