/**
 * GPT-2's pre-tokenizer, `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
 * (tiktoken's r50k/p50k pattern, `\s` = Unicode White_Space), as a hand-written scanner: running the
 * regex and hashing each matched substring cost about as much as all of tiktoken's encode, while a
 * scan over a class table allocates nothing. test/text/gpt2.test.ts checks it against the regex.
 */
export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

const WS = 1;
const LETTER = 2;
const NUMBER = 3;
const OTHER = 4;

const isL = /^\p{L}$/u;
const isN = /^\p{N}$/u;
const isWs = /^\p{White_Space}$/u;

function classify(cp: number): number {
  const ch = String.fromCodePoint(cp);
  return isWs.test(ch) ? WS : isL.test(ch) ? LETTER : isN.test(ch) ? NUMBER : OTHER;
}

/** Classes of the BMP (surrogates, which never stand alone in valid text, count as OTHER: U+FFFD's class). */
const BMP = (() => {
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) t[c] = c >= 0xd800 && c <= 0xdfff ? OTHER : classify(c);
  return t;
})();
const astral = new Map<number, number>();

/** The class of the code point at `i` times 4 plus its UTF-16 width (1 or 2). */
function at(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return BMP[c] * 4 + 1;
  const d = text.charCodeAt(i + 1);
  if (!(d >= 0xdc00 && d <= 0xdfff)) return OTHER * 4 + 1;
  const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  let k = astral.get(cp);
  if (k === undefined) astral.set(cp, (k = classify(cp)));
  return k * 4 + 2;
}

/** The end of a run of `cls` code points starting at `i`. */
function run(text: string, i: number, cls: number): number {
  const n = text.length;
  while (i < n) {
    const a = at(text, i);
    if (a >> 2 !== cls) break;
    i += a & 3;
  }
  return i;
}

/** The end of the piece that starts at `i` (i < text.length). */
export function pieceEnd(text: string, i: number): number {
  const n = text.length;
  const c = text.charCodeAt(i);
  if (c === 0x27 && i + 1 < n) {
    const d = text.charCodeAt(i + 1);
    if (d === 0x73 || d === 0x74 || d === 0x6d || d === 0x64) return i + 2; // 's 't 'm 'd
    if (i + 2 < n) {
      const e = text.charCodeAt(i + 2);
      if ((d === 0x72 && e === 0x65) || (d === 0x76 && e === 0x65) || (d === 0x6c && e === 0x6c)) return i + 3; // 're 've 'll
    }
  }
  let k = i;
  if (c === 0x20 && i + 1 < n) k = i + 1;
  const a = at(text, k);
  const cls = a >> 2;
  if (cls !== WS) return run(text, k + (a & 3), cls);
  // Whitespace at i: `\s+(?!\S)` takes the run but leaves its last char before a non-space (every
  // White_Space character is one UTF-16 unit); a single one before a non-space is `\s+`.
  const end = run(text, i, WS);
  return end === n || end - 1 === i ? end : end - 1;
}
