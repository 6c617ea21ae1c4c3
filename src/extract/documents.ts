import { validateOptions } from '../options.js';
import type { MemberRule } from '../pipeline/spec.js';
import type { Doc, Entry } from '../types.js';
import { Utf8Text } from './decode.js';
import { docBuilder } from './modes.js';
import { extractSchema } from './options.js';
import { Selector } from './select.js';
import { newStats, type ExtractStats } from './stats.js';

export interface DocOptions {
  crlf?: boolean;
  streamChunk?: number;
  stats?: ExtractStats;
  /** Every member path of the archive, for `every`/`offset` rules (counted in sorted order). */
  listing?: string[];
  signal?: AbortSignal;
  /** Document ids become `<idPrefix>#<index>` instead of `<member path>#<index>` (a byte range of a file). */
  idPrefix?: string;
}

const schema = {
  crlf: extractSchema.crlf,
  streamChunk: extractSchema.streamChunk,
  stats: { type: 'any' },
  listing: { type: 'strings' },
  signal: { type: 'any' },
  idPrefix: { type: 'string' },
} as const;

/**
 * Entries → documents: member selection by the rules, UTF-8 decoding, the rule's docs mode. Ids are
 * `member path#index`. Members no rule selects are closed unread (their bytes are drained by the
 * archive reader), so the entry stream never stalls. A Selector may be passed instead of rules so a
 * caller reading many files compiles the globs once; it is reset here, as if built for this call.
 */
export async function* toDocuments(entries: AsyncIterable<Entry>, rules: MemberRule[] | Selector, opts: DocOptions = {}): AsyncGenerator<Doc> {
  const cfg = validateOptions('toDocuments', schema, opts);
  const stats = (cfg.stats as ExtractStats | undefined) ?? newStats();
  const signal = cfg.signal as AbortSignal | undefined;
  const selector = rules instanceof Selector ? rules.reset(cfg.listing) : new Selector(rules, cfg.listing);
  for await (const entry of entries) {
    signal?.throwIfAborted();
    const rule = selector.match(entry.path);
    if (!rule) {
      stats.skipped++;
      entry.body.destroy();
      continue;
    }
    stats.members++;
    const text = new Utf8Text(cfg.crlf);
    const builder = docBuilder(rule, cfg.streamChunk);
    let index = 0;
    const doc = (t: string): Doc => {
      stats.docs++;
      const d: Doc = { id: `${cfg.idPrefix ?? entry.path}#${index++}`, split: rule.split, text: t };
      if (rule.label !== undefined) d.label = rule.label;
      return d;
    };
    for await (const chunk of entry.body as AsyncIterable<Buffer>) {
      for (const t of builder.push(text.write(chunk))) yield doc(t);
    }
    for (const t of builder.push(text.end())) yield doc(t);
    for (const t of builder.end()) yield doc(t);
    if (text.replacements > 0) stats.replacements[entry.path] = (stats.replacements[entry.path] ?? 0) + text.replacements;
  }
}
