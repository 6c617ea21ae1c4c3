import { WordTable } from './word-table.js';

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

/** Cuts the pieces (longest first) out of units[from, to) in one scan, each occurrence becoming U+2585; returns the new end. */
function cut(units: Uint16Array, from: number, to: number, { metas, first, second }: Cuts): number {
  let w = from;
  for (let r = from; r < to;) {
    const c = units[r];
    let hit = 0;
    const f = first[c];
    if (f === 1 || (f !== 0 && ((f & 1) !== 0 || (r + 1 < to && second[units[r + 1]] !== 0)))) {
      for (const m of metas) {
        if (m[0] !== c || m.length > to - r) continue;
        let k = 1;
        while (k < m.length && units[r + k] === m[k]) k++;
        if (k === m.length) { hit = k; break; }
      }
    }
    if (hit) { units[w++] = UNK; r += hit; } else units[w++] = units[r++];
  }
  return w;
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
  const words = new WordTable();
  let starts = new Int32Array(1024);
  let count = 0;
  let pos = 0;
  const bmp = new Float64Array(0x10000);
  const astral = new Map<string, number>();
  // A byte view of the same memory: each line is copied in natively, then normalized in place.
  let bytes = Buffer.from(units.buffer);
  for (const line of lines) {
    if (line === '' || Buffer.byteLength(line, 'utf8') > maxBytes) continue;
    if (pos + line.length + 1 >= units.length) { units = growUnits(units, pos + line.length + 1); bytes = Buffer.from(units.buffer); }
    const start = pos;
    const end = start + 1 + line.length;
    bytes.write(line, 2 * (start + 1), 'utf16le');
    let i = start + 1;
    while (i < end && units[i] === 0x20) i++;
    if (i === end) continue;
    // Writes never pass reads: the first `▁` takes the slot before the line, each later one a space.
    units[pos++] = SPACE;
    let gap = false;
    let unk = false;
    for (; i < end; i++) {
      const c = units[i];
      if (c === 0x20) { gap = true; continue; }
      if (c === UNK) { unk = true; break; }
      if (gap) { units[pos++] = SPACE; gap = false; }
      units[pos++] = c;
    }
    if (unk) { pos = start; continue; }
    for (const p of passes) pos = cut(units, start, pos, p);
    let from = start;
    for (let j = start; j < pos; j++) {
      const c = units[j];
      if (c === SPACE && j > from) { words.add(units, from, j - from, 1, 0); from = j; }
      if (c >= 0xd800 && c < 0xdc00 && j + 1 < pos && (units[j + 1] & 0xfc00) === 0xdc00) {
        const pair = String.fromCharCode(c, units[j + 1]);
        astral.set(pair, (astral.get(pair) ?? 0) + 1);
        j++;
      } else bmp[c]++;
    }
    words.add(units, from, pos - from, 1, 1);
    if (count + 1 >= starts.length) { const s = new Int32Array(starts.length * 2); s.set(starts); starts = s; }
    starts[count++] = start;
  }
  starts[count] = pos;
  return { units, starts, count, bmp, astral, words };
}
