import { WordmillError } from '../errors.js';
import { validateOptions } from '../schema/index.js';
import { vocabSchema, type VocabOptions } from './options.js';
import { FAKE_TOKEN, resolveSpecials } from './specials.js';
import { Vocab } from './vocab.js';

/** A spec's `vocab` section without `file` (which needs the async resolveVocab()). */
export type BuildVocabOptions = VocabOptions;

/** What a vocabulary is built from: tokens by provisional id (first-appearance order) and their counts. */
export interface CountSource {
  readonly tokens: readonly string[];
  counts(): ArrayLike<number>;
}

/**
 * fastai's `make_vocab` (BEHAVIOUR.md "Vocabulary"): `most_common(max_vocab)` keeping count ≥ minFreq,
 * specials removed and put first, cut to maxVocab, then `m - len % m` `xxfake`s (1..m: a full multiple
 * still gets m). Because the kept tokens are a count-sorted prefix, filtering by minFreq before
 * sorting gives the same list while sorting far fewer entries.
 */
export function buildVocab(source: CountSource, options: BuildVocabOptions = {}): Vocab {
  const o = validateOptions('vocabulary', vocabSchema, options);
  if (o.file !== undefined) {
    throw new WordmillError('WM_ERR_OPTION', 'vocabulary: option "file" needs the async resolveVocab(), not buildVocab()', { option: 'file' });
  }
  const specials = resolveSpecials(o.specials);
  const ties = o.ties ?? (o.specials === 'torchtext' ? 'alpha' : 'first');
  const counts = source.counts();
  const tokens = source.tokens;
  const kept: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (counts[i] >= o.minFreq) kept.push(i);
  if (o.order === 'count') {
    kept.sort(ties === 'alpha'
      ? (a, b) => counts[b] - counts[a] || (tokens[a] < tokens[b] ? -1 : tokens[a] > tokens[b] ? 1 : 0)
      : (a, b) => counts[b] - counts[a] || a - b);
  }
  const special = new Set(specials);
  const itos = [...specials];
  const itosCounts: number[] = specials.map(() => 0);
  for (let i = 0; i < tokens.length; i++) {
    if (special.has(tokens[i])) itosCounts[specials.indexOf(tokens[i])] = counts[i];
  }
  // `most_common(max_vocab)` counts the specials among its max_vocab entries before they are moved first.
  const limit = Math.min(kept.length, o.maxVocab);
  for (let k = 0; k < limit; k++) {
    const t = tokens[kept[k]];
    if (special.has(t)) continue;
    itos.push(t);
    itosCounts.push(counts[kept[k]]);
  }
  itos.length = Math.min(itos.length, o.maxVocab);
  itosCounts.length = itos.length;
  if (o.padMultiple > 0) {
    const fakes = o.padMultiple - (itos.length % o.padMultiple);
    for (let i = 0; i < fakes; i++) {
      itos.push(FAKE_TOKEN);
      itosCounts.push(0);
    }
  }
  const outCounts = itosCounts;
  return new Vocab(itos, outCounts);
}
