/**
 * spaCy's special-case PhraseMatcher (`Tokenizer._apply_special_cases`): a special case whose text the
 * affix rules would split (`:)`, `Calif.`, `e.g.`) is also matched as a run of tokens after splitting, so
 * `Hello:)` → `Hello`, `:)` and `(D-Calif.)` → … `Calif.`, `)`. Matches never cross whitespace in
 * practice (a span with a space is not a special case), so this runs per whitespace-free chunk.
 */
export class SpecialMatcher {
  /** First token of a pattern → patterns starting with it (as token lists, with the special's text). */
  private readonly byFirst = new Map<string, Array<{ pattern: string[]; key: string }>>();

  add(key: string, pattern: string[]): void {
    if (pattern.length < 2) return; // a one-token pattern re-tokenizes a token as itself
    const list = this.byFirst.get(pattern[0]) ?? [];
    const existing = list.findIndex((p) => p.key === key);
    if (existing >= 0) list.splice(existing, 1);
    list.push({ pattern, key });
    this.byFirst.set(pattern[0], list);
  }

  /** Replaces matched runs by the special case's tokens; `labels` (for `explain`) is kept parallel. */
  apply(pieces: string[], specials: Map<string, string[]>, labels?: string[]): string[] {
    if (pieces.length < 2) return pieces;
    const matches: Array<[number, number, string]> = [];
    for (let i = 0; i < pieces.length; i++) {
      const cands = this.byFirst.get(pieces[i]);
      if (!cands) continue;
      for (const { pattern, key } of cands) {
        if (i + pattern.length > pieces.length) continue;
        let ok = true;
        for (let k = 1; k < pattern.length && ok; k++) ok = pieces[i + k] === pattern[k];
        if (ok) matches.push([i, i + pattern.length, key]);
      }
    }
    if (matches.length === 0) return pieces;
    // spaCy's _filter_special_spans: longest first, then leftmost; a span is kept when neither of its
    // end tokens was claimed, and its tokens are claimed either way.
    matches.sort((a, b) => (b[1] - b[0]) - (a[1] - a[0]) || a[0] - b[0]);
    const seen = new Set<number>();
    const kept: Array<[number, number, string]> = [];
    for (const m of matches) {
      if (!seen.has(m[0]) && !seen.has(m[1] - 1)) kept.push(m);
      for (let t = m[0]; t < m[1]; t++) seen.add(t);
    }
    kept.sort((a, b) => a[0] - b[0]);
    const out: string[] = [];
    const outLabels: string[] = [];
    let i = 0;
    for (const [s, e, key] of kept) {
      for (; i < s; i++) { out.push(pieces[i]); if (labels) outLabels.push(labels[i]); }
      const repl = specials.get(key)!;
      repl.forEach((p, j) => { out.push(p); outLabels.push(`SPECIAL-${j + 1}`); });
      i = e;
    }
    for (; i < pieces.length; i++) { out.push(pieces[i]); if (labels) outLabels.push(labels[i]); }
    if (labels) labels.splice(0, labels.length, ...outLabels);
    return out;
  }
}
