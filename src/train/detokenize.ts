/**
 * Display text from tokens: undoes fastai's markers (`xxbos`, `xxmaj` capitalises the next word,
 * `xxup` upper-cases it, `xxrep n c`, `xxwrep n w`) and applies spaCy-ish spacing (no space before
 * closing punctuation and clitics such as `n't` or `'s`, none after opening brackets). With
 * `char: true` tokens are characters and are joined as they are.
 */
const NO_SPACE_BEFORE = new Set(['.', ',', ';', ':', '!', '?', ')', ']', '}', '%', "'", "n't", "'s", "'re", "'ve", "'m", "'ll", "'d", '...', '”', '’']);
const NO_SPACE_AFTER = new Set(['(', '[', '{', '$', '“', '‘', '#']);
const DROP = new Set(['xxbos', 'xxeos', 'xxpad', 'xxfld', 'xxfake']);

export function detokenize(tokens: string[], opts: { char?: boolean } = {}): string {
  const words: string[] = [];
  let cap: 'maj' | 'up' | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (DROP.has(t)) continue;
    if (t === 'xxmaj') { cap = 'maj'; continue; }
    if (t === 'xxup') { cap = 'up'; continue; }
    if ((t === 'xxrep' || t === 'xxwrep') && /^\d+$/.test(tokens[i + 1] ?? '') && i + 2 < tokens.length) {
      const n = Number(tokens[i + 1]);
      const what = tokens[i + 2];
      i += 2;
      if (t === 'xxrep') words.push(what.repeat(n));
      else for (let k = 0; k < n; k++) words.push(what);
      continue;
    }
    let w = t === '▁' ? ' ' : t;
    if (cap === 'maj') w = w.charAt(0).toUpperCase() + w.slice(1);
    else if (cap === 'up') w = w.toUpperCase();
    cap = undefined;
    words.push(w);
  }
  if (opts.char) return words.join('');
  let out = '';
  let quoteOpen = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const prev = words[i - 1];
    let space = i > 0 && !NO_SPACE_BEFORE.has(w.toLowerCase()) && !NO_SPACE_AFTER.has(prev);
    if (w === '"') {
      // Straight double quotes alternate: space before an opening one, none after it.
      if (quoteOpen) space = false;
      quoteOpen = !quoteOpen;
    } else if (prev === '"' && quoteOpen) space = false;
    if (w === '\n' || prev === '\n') space = false;
    out += (space ? ' ' : '') + w;
  }
  return out;
}
