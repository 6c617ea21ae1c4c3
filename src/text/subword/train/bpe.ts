import type { WordCounts } from './sentences.js';
import { COUNT, F, layoutWords, NEXT, PAIR, PREV, SYM, valid } from './bpe-words.js';
import { grow, PairHeap, type PairInfo } from './pair-heap.js';

export interface BpeOptions {
  pieces: number;
  maxPieceLength: number;
  log?: (line: string) => void;
}

// A pair's state: it may become a piece, it never can (invalid text, too long), or it was taken.
const CANDIDATE = 0;
const INVALID = 1;
const TAKEN = 2;

/**
 * sentencepiece's BPE trainer (bpe_model_trainer.cc): words start as characters; repeatedly the most
 * frequent adjacent pair becomes a piece (ties: fewer characters, then byte order), scored by
 * -(its rank), until the vocabulary minus the alphabet is full; then the required characters. A pair
 * spelling a piece already taken is dropped.
 *
 * Every character of every distinct word is a position in one flat array, linked to its neighbours
 * within the word; a merge keeps the left position and unlinks the right one. Each pair keeps the
 * positions where it was formed (some since gone: checked when merged), so a merge visits only its
 * occurrences and adjusts the counts of the pairs beside each: the left and right neighbours' old
 * pairs lose the word's count, their pairs with the new symbol gain it. Only a pair with the new
 * symbol can gain, so only those are pushed to the heap; others shrink in place (see PairHeap).
 */
export function trainBpe(wc: WordCounts, opts: BpeOptions): Array<[string, number]> {
  const { symText, symChars, node, n } = layoutWords(wc);
  const ids = new Map<number, number>();
  let pairs = 0;
  let left = new Int32Array(1024), right = new Int32Array(1024), stamp = new Int32Array(1024);
  let first = new Int32Array(1024), taken = new Int32Array(1024);
  let state = new Int32Array(1024);
  let freq = new Float64Array(1024);
  const info: PairInfo = { chars: new Int32Array(1024), text: [] };
  // The positions of each pair, in one run of `positions` from first[id], taken[id] long (some gone
  // since: checked when merged). A pair gains only in the round that makes its newer symbol, so its
  // positions are gathered then (`pending`, (position, pair) by twos) and laid out once, in order,
  // at the end of the round: a merge then reads them in sequence rather than chasing links.
  let positions = new Int32Array(Math.max(16, 2 * n));
  let laid = 0;
  let pending = new Int32Array(1024);
  let waiting = 0;
  const newPair = (a: number, b: number): number => {
    const id = pairs++;
    if (id >= left.length) {
      left = grow(left, id); right = grow(right, id); stamp = grow(stamp, id); first = grow(first, id); taken = grow(taken, id);
      state = grow(state, id); freq = grow(freq, id); info.chars = grow(info.chars, id);
    }
    const chars = symChars[a] + symChars[b];
    const text = chars <= opts.maxPieceLength ? symText[a] + symText[b] : '';
    left[id] = a; right[id] = b; first[id] = 0; taken[id] = 0; stamp[id] = -1; freq[id] = 0; info.chars[id] = chars;
    // Characters outside the alphabet were replaced by U+2585: no pair with one is valid.
    state[id] = text !== '' && valid(text, opts.maxPieceLength) ? CANDIDATE : INVALID;
    info.text.push(state[id] === CANDIDATE ? text : '');
    return id;
  };
  let round = 0;
  const grown: number[] = [];
  const gain = (id: number, pos: number, count: number): void => {
    node[F * pos + PAIR] = id;
    if (state[id] !== CANDIDATE) return;
    freq[id] += count;
    pending = grow(pending, 2 * waiting + 1);
    pending[2 * waiting] = pos;
    pending[2 * waiting + 1] = id;
    waiting++;
    taken[id]++;
    if (stamp[id] !== round) { stamp[id] = round; grown.push(id); }
  };
  const lose = (id: number, count: number): void => {
    if (state[id] === CANDIDATE) freq[id] -= count;
  };
  // The first pairs by key (left × base + right, exact: every merge adds one symbol); later ones are
  // all new, found by their other symbol in `withLeft`/`withRight` for the round's new symbol.
  const base = symText.length + opts.pieces + 1;
  // A small alphabet's pairs in a table (id + 1, 0: not yet), a large one's in a Map.
  const chars = symText.length;
  const table = chars <= 1024 ? new Int32Array(chars * chars) : undefined;
  for (let p = 0; p < n; p++) {
    const q = node[F * p + NEXT];
    if (q < 0) continue;
    const a = node[F * p + SYM], b = node[F * q + SYM];
    let id: number;
    if (table) {
      id = table[a * chars + b] - 1;
      if (id < 0) table[a * chars + b] = (id = newPair(a, b)) + 1;
    } else {
      id = ids.get(a * base + b) ?? -1;
      if (id < 0) ids.set(a * base + b, (id = newPair(a, b)));
    }
    // As gain, but the first runs are laid out from the positions themselves (below), not from `pending`.
    node[F * p + PAIR] = id;
    if (state[id] !== CANDIDATE) continue;
    freq[id] += node[F * p + COUNT] >>> 0;
    taken[id]++;
    if (stamp[id] !== round) { stamp[id] = round; grown.push(id); }
  }
  // Pair ids (x, joined) by x, and (joined, y) by y, for the round in `seenIn` (the pair of two joined is in withLeft).
  const withLeft = new Int32Array(base), withRight = new Int32Array(base), seenL = new Int32Array(base).fill(-1), seenR = new Int32Array(base).fill(-1);
  const pairWith = (x: number, y: number, joined: number): number => {
    if (y === joined) {
      if (seenL[x] !== round) { seenL[x] = round; withLeft[x] = newPair(x, y); }
      return withLeft[x];
    }
    if (seenR[y] !== round) { seenR[y] = round; withRight[y] = newPair(x, y); }
    return withRight[y];
  };
  const heap = new PairHeap(info);
  // Runs laid out in the order the pairs grew, each filled in the order its positions came; each
  // step its own function with one loop (a loop not yet run when the whole was optimized kept
  // throwing the optimized code away).
  const reserve = (): void => {
    for (const id of grown) {
      first[id] = laid;
      laid += taken[id];
      if (freq[id] > 0) heap.push(id, freq[id]);
    }
  };
  const place = (): void => {
    for (let k = 0; k < waiting; k++) positions[first[pending[2 * k + 1]]++] = pending[2 * k];
  };
  const rewind = (): void => {
    for (const id of grown) first[id] -= taken[id];
  };
  const offer = (): void => {
    positions = grow(positions, laid + waiting);
    reserve();
    place();
    rewind();
    waiting = 0;
    grown.length = 0;
  };
  const layFirst = (): void => {
    for (let p = 0; p < n; p++) {
      const id = node[F * p + PAIR];
      if (id >= 0 && state[id] === CANDIDATE) positions[first[id]++] = p;
    }
  };
  reserve();
  positions = grow(positions, laid);
  layFirst();
  rewind();
  grown.length = 0;
  const budget = opts.pieces - wc.required.length;
  const out: Array<[string, number]> = [];
  const seen = new Set<string>();
  while (out.length < budget && heap.size) {
    const id = heap.topId();
    const kept = heap.topFreq();
    heap.pop();
    if (state[id] !== CANDIDATE) continue;
    if (freq[id] !== kept) { if (freq[id] > 0) heap.push(id, freq[id]); continue; } // shrunk since pushed
    state[id] = TAKEN;
    const text = info.text[id];
    if (seen.has(text)) continue; // the same text reached by another pair: one piece
    seen.add(text);
    out.push([text, -out.length]);
    const joined = symText.length;
    symText.push(text);
    symChars.push(info.chars[id]);
    round++;
    const a = left[id], b = right[id];
    const from = first[id], to = from + taken[id];
    // A pair of one symbol twice overlaps itself ("a a a"): merged left to right, as sentencepiece
    // does. (Runs are in position order already: each is filled in the order of the run it came from.)
    if (a === b) positions.subarray(from, to).sort();
    for (let i = from; i < to; i++) {
      const p = positions[i];
      const q = node[F * p + NEXT];
      if (node[F * p + SYM] !== a || q < 0 || node[F * q + SYM] !== b) continue; // gone since
      const count = node[F * p + COUNT] >>> 0;
      const l = node[F * p + PREV], r = node[F * q + NEXT];
      if (l >= 0) { lose(node[F * l + PAIR], count); gain(pairWith(node[F * l + SYM], joined, joined), l, count); }
      if (r >= 0) { lose(node[F * q + PAIR], count); gain(pairWith(joined, node[F * r + SYM], joined), p, count); } else node[F * p + PAIR] = -1;
      node[F * p + SYM] = joined;
      node[F * p + NEXT] = r;
      node[F * q + SYM] = -1;
      node[F * q + PAIR] = -1;
      if (r >= 0) node[F * r + PREV] = p;
    }
    offer();
    if (out.length % 1000 === 0) opts.log?.(`subword: ${out.length} BPE merges`);
  }
  for (const [c] of wc.required) out.push([c, -out.length]);
  return out;
}
