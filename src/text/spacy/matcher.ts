/**
 * spaCy's special-case PhraseMatcher (`Tokenizer._apply_special_cases`). A special case whose text the
 * affix rules would split (`:)`, `''`, `Calif.`, `a b c`) is registered as the token sequence the affix
 * rules give it, and after the affix pass every occurrence of such a sequence in the whole document is
 * found, ORTH against ORTH, across whitespace too. `_filter_special_spans` keeps matches longest first,
 * then leftmost, a match being kept when neither end token is claimed, and every match claiming its
 * tokens whether kept or not. A kept match is replaced by the special case's tokens only when the text it
 * covers, spaces included, is a special case (`' '` in `a'' ''a` is not, yet it blocks the next `''`).
 */

/** Edge flags of a chunk's affix tokens: its first token can continue a match, its last can be continued. */
export const JOIN_LEFT = 1;
export const JOIN_RIGHT = 2;
/** The chunk's cached tokens are its affix tokens (the matcher changed nothing inside it). */
export const PLAIN = 4;

/** A run of tokens with character offsets into `text`: the matcher's input and output. */
export interface TokenRun {
  tokens: string[];
  starts: number[];
  ends: number[];
}

export class SpecialMatcher {
  /** First token → patterns starting with it. */
  private readonly byFirst = new Map<string, string[][]>();
  private readonly seen = new Set<string>();
  /** Tokens at some position after the first of a pattern (a match can continue into them). */
  private readonly inner = new Set<string>();
  /** Tokens at some position before the last of a pattern (a match can run on past them). */
  private readonly outer = new Set<string>();
  /** Consecutive token pairs of the patterns, `a\0b`. */
  private readonly pairs = new Set<string>();

  /** Adds a special case's affix tokens as a pattern (spaCy keys it by the special's text; only spans matter). */
  add(pattern: string[]): void {
    const id = pattern.join('\u0000');
    if (this.seen.has(id)) return;
    this.seen.add(id);
    const list = this.byFirst.get(pattern[0]) ?? [];
    list.push(pattern);
    this.byFirst.set(pattern[0], list);
    for (let k = 0; k < pattern.length - 1; k++) this.outer.add(pattern[k]);
    for (let k = 1; k < pattern.length; k++) {
      this.inner.add(pattern[k]);
      this.pairs.add(`${pattern[k - 1]}\u0000${pattern[k]}`);
    }
  }

  /** Whether a match can hold token `a` followed by token `b`, i.e. cross a boundary between them. */
  canJoin(a: string, b: string): boolean {
    return this.pairs.has(`${a}\u0000${b}`);
  }

  /** JOIN_LEFT/JOIN_RIGHT of a chunk whose affix tokens are `pre`: a match crosses a chunk boundary only where both sides allow it. */
  edgeFlags(pre: string[]): number {
    return (this.inner.has(pre[0]) ? JOIN_LEFT : 0) | (this.outer.has(pre[pre.length - 1]) ? JOIN_RIGHT : 0);
  }

  /** Every pattern occurrence as `[start, end)` token pairs, as PhraseMatcher.find_matches reports them. */
  find(tokens: string[]): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < tokens.length; i++) {
      const cands = this.byFirst.get(tokens[i]);
      if (!cands) continue;
      for (const p of cands) {
        if (i + p.length > tokens.length) continue;
        let k = 1;
        while (k < p.length && tokens[i + k] === p[k]) k++;
        if (k === p.length) out.push([i, i + p.length]);
      }
    }
    return out;
  }

  /**
   * `_apply_special_cases` on `run` (offsets into `text`): the run itself when nothing changes. `claimAll`
   * false gives `util.filter_spans` instead (only kept matches claim tokens), which `explain` uses.
   */
  apply(run: TokenRun, text: string, specials: Map<string, string[]>): TokenRun {
    const kept = this.kept(run.tokens, true);
    if (kept.length === 0) return run;
    const out: TokenRun = { tokens: [], starts: [], ends: [] };
    let i = 0;
    for (const [s, e] of kept) {
      const rule = specials.get(text.slice(run.starts[s], run.ends[e - 1]));
      if (!rule) continue; // copied as they are below
      for (; i < s; i++) copy(run, i, out);
      let at = run.starts[s];
      for (const p of rule) {
        out.tokens.push(p);
        out.starts.push(at);
        out.ends.push(at += p.length);
      }
      i = e;
    }
    for (; i < run.tokens.length; i++) copy(run, i, out);
    return out;
  }

  /** Kept matches in token order: longest first, then leftmost; a match claims its tokens always (`claimAll`) or only when kept. */
  kept(tokens: string[], claimAll: boolean): Array<[number, number]> {
    const matches = this.find(tokens);
    if (matches.length === 0) return matches;
    matches.sort((a, b) => (b[1] - b[0]) - (a[1] - a[0]) || a[0] - b[0]);
    const claimed = new Set<number>();
    const kept: Array<[number, number]> = [];
    for (const m of matches) {
      const keep = !claimed.has(m[0]) && !claimed.has(m[1] - 1);
      if (keep) kept.push(m);
      if (keep || claimAll) for (let t = m[0]; t < m[1]; t++) claimed.add(t);
    }
    return kept.sort((a, b) => a[0] - b[0]);
  }
}

function copy(from: TokenRun, i: number, to: TokenRun): void {
  to.tokens.push(from.tokens[i]);
  to.starts.push(from.starts[i]);
  to.ends.push(from.ends[i]);
}
