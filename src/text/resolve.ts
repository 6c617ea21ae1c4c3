import { validateOptions } from '../schema/index.js';
import { textSchema, type TextOptions, type TextSpec } from './options.js';
import { resolveSubwordSpec, type ResolvedSubwordSpec } from './subword/options.js';
import type { UnicodeVersion } from './unicode/index.js';

/**
 * A text spec checked and with every default filled in (the `subword` section too): what a text
 * processor is built from. Plain data, so the pool sends it to its workers, which then build their
 * processor without loading the schema layer (zod alone took ~40–90 ms of a worker's start).
 */
export type ResolvedText = Omit<TextSpec, 'unicode' | 'subword'> & { unicode: UnicodeVersion; subword?: ResolvedSubwordSpec };

/**
 * Checks `given` as `textSetup` does: called directly, no rules unless asked (a pipeline spec's
 * `text` section already has fastai's default). Resolving a resolved spec gives it back unchanged.
 */
export function resolveTextSpec(given: TextOptions): ResolvedText {
  const spec = validateOptions('text', textSchema, { rules: 'none', ...given });
  const out = { ...spec, unicode: spec.unicode as UnicodeVersion } as ResolvedText;
  if (spec.tokenizer === 'subword') out.subword = resolveSubwordSpec(spec.subword);
  else delete out.subword;
  return out;
}
