import { loadTokenizer } from './load-tokenizer.js';
import type { ResolvedText } from './resolve.js';
import { buildProcessor, setupText, type TextProcessor } from './setup.js';

/**
 * makeTextProcessor for a spec already resolved (resolveTextSpec, on the pool's main thread),
 * loading only the tokenizer it names and not the schema layer: a pool worker's setup. The
 * processor is the one makeTextProcessor builds from the same spec.
 */
export async function loadTextProcessor(spec: ResolvedText): Promise<TextProcessor> {
  return buildProcessor(setupText(spec, await loadTokenizer(spec.tokenizer, { subwordModel: spec.subword?.model })));
}
