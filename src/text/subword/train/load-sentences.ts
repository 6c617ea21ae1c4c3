import { HASH_SEED, hashStep, WordTable } from './word-table.js';

/** Code units of the characters the loader treats specially. */
const SPACE = 0x2581;
const UNK = 0x2585;

/** Kept sentences as UTF-16 code units, and their character counts. */
export interface LoadedSentences {
  /** Every kept sentence, normalized and with meta pieces cut out, back to back. */
  units: Uint16Array;
  /** Sentence i is units[starts[i]] up to units[starts[i + 1]]; starts has count + 1 entries. */
  starts: Int32Array;
  count: number;
  /** Occurrences of each BMP code unit (lone surrogates included). */
  bmp: Float64Array;
  /** Occurrences of each astral character, by its text. */
  astral: Map<string, number>;
  /** The words before the alphabet is known: split at every `▁` (the first unit of a sentence starts one). */
  words: WordTable;
}

/** Doubles a unit buffer until index `n` fits, keeping its contents. */
export function growUnits<T extends Uint16Array>(a: T, n: number): T {
  if (n < a.length) return a;
  let size = a.length * 2;
  while (size <= n) size *= 2;
  const b = new Uint16Array(size);
  b.set(a);
  return b as T;
}

/**
 * Whether cutting every meta piece in one left-to-right scan is cutting them one after another,
 * longest first (split/join on each): so when no two occurrences can overlap — no piece holds
 * another, no piece's tail starts one. Then each occurrence is cut alone in either order.
 */
function overlapFree(metas: string[]): boolean {
  for (const x of metas) {
    for (const y of metas) {
      if (x !== y && x.includes(y)) return false;
      for (let k = 1; k < x.length; k++) if (y.startsWith(x.slice(k))) return false;
    }
  }
  return true;
}

interface Cuts {
  metas: Uint16Array[];
  /** By code unit: 1 when a piece is that unit alone, 2 when a longer one starts with it. */
  first: Uint8Array;
  /** Second units of the longer pieces: most starts of `▁` are no piece's start. */
  second: Uint8Array;
}

function cuts(metas: string[]): Cuts {
  const first = new Uint8Array(0x10000);
  const second = new Uint8Array(0x10000);
  for (const m of metas) {
    first[m.charCodeAt(0)] |= m.length === 1 ? 1 : 2;
    if (m.length > 1) second[m.charCodeAt(1)] = 1;
  }
  return { metas: metas.map((m) => Uint16Array.from(m, (_, i) => m.charCodeAt(i))), first, second };
}

/** The piece of `c.metas` (longest first) that starts at units[r] before `to`: its length, 0 for none. */
function metaAt(units: Uint16Array, r: number, to: number, cuts: Cuts): number {
  const c = units[r];
  const f = cuts.first[c];
  const { metas, second } = cuts;
  if (f === 0 || (f === 2 && (r + 1 >= to || second[units[r + 1]] === 0))) return 0;
  for (const m of metas) {
    if (m[0] !== c || m.length > to - r) continue;
    let k = 1;
    while (k < m.length && units[r + k] === m[k]) k++;
    if (k === m.length) return k;
  }
  return 0;
}

/** Cuts the pieces out of units[from, to) in one scan, each occurrence becoming U+2585; returns the new end. */
function cut(units: Uint16Array, from: number, to: number, c: Cuts): number {
  let w = from;
  for (let r = from; r < to;) {
    const hit = metaAt(units, r, to, c);
    if (hit) { units[w++] = UNK; r += hit; } else units[w++] = units[r++];
  }
  return w;
}

/**
 * Characters and words of sentences, counted in the same scan that makes the last cut. Units are
 * counted in 32 bits (faster to add than doubles), moved into `bmp` before they could overflow.
 */
class Counter {
  readonly bmp = new Float64Array(0x10000);
  readonly astral = new Map<string, number>();
  readonly words = new WordTable();
  private units32 = new Uint32Array(0x10000);
  private counted = 0;

  /** Cuts `c` out of the sentence units[from, to) and counts it; returns its new end. */
  sentence(units: Uint16Array, from: number, to: number, c: Cuts): number {
    const counts = this.units32;
    const first = c.first;
    let w = from;
    let word = from;
    let h = HASH_SEED;
    // A high surrogate waiting for the unit after it: with a low one, an astral character.
    let high = -1;
    for (let r = from; r < to;) {
      let u = units[r];
      const hit = first[u] === 0 ? 0 : metaAt(units, r, to, c);
      if (hit) { u = UNK; r += hit; } else r++;
      if (u === SPACE && w > word) { this.words.addHashed(units, word, w - word, h, 1, 0); word = w; h = HASH_SEED; }
      units[w++] = u;
      h = hashStep(h, u);
      if (high >= 0) {
        if ((u & 0xfc00) === 0xdc00) {
          const pair = String.fromCharCode(high, u);
          this.astral.set(pair, (this.astral.get(pair) ?? 0) + 1);
          high = -1;
          continue;
        }
        counts[high]++;
        high = -1;
      }
      if ((u & 0xfc00) === 0xd800) high = u; else counts[u]++;
    }
    if (high >= 0) counts[high]++;
    this.words.addHashed(units, word, w - word, h, 1, 1);
    this.counted += w - from;
    if (this.counted >= 0x7fffffff) this.flush();
    return w;
  }

  flush(): void {
    for (let u = 0; u < 0x10000; u++) this.bmp[u] += this.units32[u];
    this.units32.fill(0);
    this.counted = 0;
  }
}

/**
 * Identity normalization in place of the line in units[start + 1, end): edge spaces trimmed, each
 * run of spaces one `▁`, a `▁` first (at `start`: writes never pass reads). Returns the sentence's
 * end, or `start` for an empty line or one holding U+2585 (skipped).
 */
function normalize(units: Uint16Array, start: number, end: number): number {
  let i = start + 1;
  while (i < end && units[i] === 0x20) i++;
  if (i === end) return start;
  let pos = start;
  units[pos++] = SPACE;
  let gap = false;
  for (; i < end; i++) {
    const c = units[i];
    if (c === 0x20) { gap = true; continue; }
    if (c === UNK) return start;
    if (gap) { units[pos++] = SPACE; gap = false; }
    units[pos++] = c;
  }
  return pos;
}

/**
 * sentencepiece's LoadSentences with the identity normalizer, on code units into one buffer: lines
 * empty, longer than `maxBytes` UTF-8 bytes or holding U+2585 are skipped; spaces (U+0020 only) are
 * trimmed at both ends, runs become one `▁`, and a `▁` goes first (Normalizer.normalize with IDENTITY,
 * without building a string per line); then the meta pieces become U+2585 (sentencepiece writes a
 * tab, itself outside every alphabet), the characters are counted and so are the words. Empty meta
 * pieces match nothing.
 */
export function loadSentences(lines: Iterable<string>, maxBytes: number, meta: string[]): LoadedSentences {
  const metas = meta.filter((m) => m !== '').sort((a, b) => b.length - a.length);
  const passes = (overlapFree(metas) ? [metas] : metas.map((m) => [m])).map(cuts);
  // Sized for an array of lines up front: growing copies the buffer.
  let size = 1 << 16;
  if (Array.isArray(lines)) for (const l of lines as string[]) size += l.length + 1;
  let units = new Uint16Array(size);
  const counter = new Counter();
  let starts = new Int32Array(1024);
  let count = 0;
  let pos = 0;
  // A byte view of the same memory: each line is copied in natively, then normalized in place
  // (small functions per line: optimized sooner than one long loop).
  let bytes = Buffer.from(units.buffer);
  for (const line of lines) {
    if (line === '' || Buffer.byteLength(line, 'utf8') > maxBytes) continue;
    if (pos + line.length + 1 >= units.length) { units = growUnits(units, pos + line.length + 1); bytes = Buffer.from(units.buffer); }
    const start = pos;
    bytes.write(line, 2 * (start + 1), 'utf16le');
    pos = normalize(units, start, start + 1 + line.length);
    if (pos === start) continue;
    for (let k = 0; k + 1 < passes.length; k++) pos = cut(units, start, pos, passes[k]);
    pos = counter.sentence(units, start, pos, passes[passes.length - 1]);
    if (count + 1 >= starts.length) { const s = new Int32Array(starts.length * 2); s.set(starts); starts = s; }
    starts[count++] = start;
  }
  starts[count] = pos;
  counter.flush();
  return { units, starts, count, bmp: counter.bmp, astral: counter.astral, words: counter.words };
}
