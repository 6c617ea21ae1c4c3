import { CharsMap } from './charsmap.js';
import type { NormalizerSpec } from './model-file.js';
import type { WordScan } from './words.js';

export const SPACE = '\u2581';
const SPACE_BYTES = [0xe2, 0x96, 0x81];
/** Only U+0020 counts as a space for sentencepiece's whitespace removal. */
const EDGE_SPACES = /^ +| +$/g;
const SPACE_RUNS = / +/g;

/**
 * SentencePiece's `Normalizer::Normalize`: each step takes the user-defined symbol that starts
 * there (left as is), else the longest charsmap rule, else one UTF-8 character; with
 * `remove_extra_whitespaces` leading, trailing and repeated spaces go; spaces become `▁`, and
 * `add_dummy_prefix` puts one `▁` first. Only ' ' counts as a space (a charsmap such as nmt_nfkc
 * maps tabs and newlines to it first). The identity spec (no charsmap) works on the JS string:
 * there, copying a user-defined symbol and copying its characters one by one are the same.
 */
export class Normalizer {
  private readonly map: CharsMap | undefined;
  private readonly userDefined: Buffer[];
  private readonly userFirst = new Set<number>();

  constructor(private readonly spec: NormalizerSpec, userDefined: readonly string[] = [], private readonly asSuffix = false) {
    this.map = spec.charsmap.length ? new CharsMap(spec.charsmap) : undefined;
    // Longest first, so a prefix match takes the longest symbol as PrefixMatcher does.
    this.userDefined = userDefined.map((u) => Buffer.from(u, 'utf8')).sort((a, b) => b.length - a.length);
    for (const u of this.userDefined) this.userFirst.add(u[0]);
  }

  /**
   * How WordEncoder finds the normalized text's words in the raw text, for the identity spec
   * with escaped spaces (the only rewrite there is ' ' → `▁`); undefined otherwise.
   */
  get wordScan(): WordScan | undefined {
    if (this.map || !this.spec.escapeWhitespaces || this.asSuffix) return undefined;
    return { spaces: true, trim: this.spec.removeExtraWhitespaces, dummy: this.spec.addDummyPrefix };
  }

  normalize(input: string): string {
    return this.map ? this.normalizeBytes(input) : this.normalizeString(input);
  }

  /** The user-defined symbol starting at byte `pos`, if any (PrefixMatcher: the longest). */
  private userSymbolAt(bytes: Uint8Array, pos: number): Buffer | undefined {
    if (!this.userFirst.has(bytes[pos])) return undefined;
    for (const u of this.userDefined) {
      if (pos + u.length > bytes.length) continue;
      let k = 0;
      while (k < u.length && bytes[pos + k] === u[k]) k++;
      if (k === u.length) return u;
    }
    return undefined;
  }

  /** Identity normalization: the same steps on the JS string, with native replaces (a char-by-char concat was a third of encode). */
  private normalizeString(input: string): string {
    const { removeExtraWhitespaces: trim, escapeWhitespaces: escape } = this.spec;
    const space = escape ? SPACE : ' ';
    const body = trim ? input.replace(EDGE_SPACES, '').replace(SPACE_RUNS, space) : escape ? input.replaceAll(' ', space) : input;
    if (body === '') return '';
    const dummy = this.spec.addDummyPrefix ? space : '';
    return this.asSuffix ? body + dummy : dummy + body;
  }

  private normalizeBytes(input: string): string {
    const { removeExtraWhitespaces: trim, escapeWhitespaces: escape } = this.spec;
    const bytes = Buffer.from(input, 'utf8');
    const map = this.map!;
    const out: number[] = [];
    const addSpace = (): void => { if (escape) out.push(...SPACE_BYTES); else out.push(0x20); };
    let pos = 0;
    // One normalization step at pos: [replacement bytes, bytes consumed].
    const step = (): [ArrayLike<number>, number] => {
      const u = this.userSymbolAt(bytes, pos);
      if (u) return [u, u.length];
      const hit = map.longest(bytes, pos, bytes.length);
      if (hit.length > 0) return [map.replacement(hit.value), hit.length];
      const n = utf8Length(bytes, pos);
      return n > 0 ? [bytes.subarray(pos, pos + n), n] : [[0xef, 0xbf, 0xbd], 1];
    };
    if (trim) {
      while (pos < bytes.length) {
        const [rep, n] = step();
        if (!(rep.length === 1 && rep[0] === 0x20)) break;
        pos += n;
      }
    }
    if (pos === bytes.length) return '';
    if (!this.asSuffix && this.spec.addDummyPrefix) addSpace();
    let prevSpace = trim;
    while (pos < bytes.length) {
      const [rep, n] = step();
      let k = 0;
      while (prevSpace && k < rep.length && rep[k] === 0x20) k++;
      if (k < rep.length) {
        for (; k < rep.length; k++) {
          if (escape && rep[k] === 0x20) out.push(...SPACE_BYTES);
          else out.push(rep[k]);
        }
        prevSpace = rep[rep.length - 1] === 0x20;
      }
      pos += n;
      if (!trim) prevSpace = false;
    }
    if (trim) {
      const sp = escape ? SPACE_BYTES : [0x20];
      while (out.length >= sp.length && sp.every((b, j) => out[out.length - sp.length + j] === b)) out.length -= sp.length;
    }
    if (this.asSuffix && this.spec.addDummyPrefix) addSpace();
    return Buffer.from(out).toString('utf8');
  }
}

/** The length of the valid UTF-8 sequence at `pos`, 0 when malformed (as IsValidDecodeUTF8). */
function utf8Length(b: Uint8Array, pos: number): number {
  const c = b[pos];
  if (c < 0x80) return 1;
  const n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (n === 0 || pos + n > b.length) return 0;
  for (let i = 1; i < n; i++) if ((b[pos + i] & 0xc0) !== 0x80) return 0;
  return n;
}
