import { WordmillError } from '../errors.js';
import { splitsFilled } from '../extract/options.js';
import type { DocSink } from './prepare.js';
import type { PipelineSpec } from './spec.js';

export interface SplitCount { docs: number; tokens: number }

/** `sink` with a count of documents and tokens per split, for requireSplits(). */
export function countingSink(sink: DocSink): DocSink & { counts: Map<string, SplitCount> } {
  const counts = new Map<string, SplitCount>();
  return {
    counts,
    get counter() { return sink.counter; },
    appendDoc(split, ids, label) {
      const c = counts.get(split) ?? { docs: 0, tokens: 0 };
      c.docs++;
      c.tokens += ids.length;
      counts.set(split, c);
      sink.appendDoc(split, ids, label);
    },
  };
}

/**
 * Every split the spec asks for (`splits.train`, `.valid`, `.test`) must have come out with tokens:
 * an empty folder or a glob that matches nothing is an error here, at prepare time, naming the
 * rules' globs and the source — not a "has no split" when training starts. Called before a new
 * store is committed and on a cached one.
 */
export function requireSplits(spec: PipelineSpec, counts: ReadonlyMap<string, SplitCount>): void {
  for (const key of ['train', 'valid', 'test'] as const) {
    const split = spec.splits[key];
    if (split === undefined) continue;
    const c = counts.get(split) ?? { docs: 0, tokens: 0 };
    if (c.tokens > 0) continue;
    const what = c.docs === 0 ? 'no documents' : `${c.docs} document${c.docs === 1 ? '' : 's'} but no tokens`;
    throw new WordmillError('WM_ERR_NOT_FOUND', `pipeline ${spec.name}: splits.${key} "${split}" came out empty (${what}): ${from(spec, split)}`,
      { option: `splits.${key}`, actual: split });
  }
}

function from(spec: PipelineSpec, split: string): string {
  if (spec.source.kind !== 'files') return `the embedded ${spec.source.name} corpus has no such split`;
  const rules = spec.source.members.filter((r) => r.split === split || (r.valid && (r.valid.split ?? 'valid') === split));
  const where = spec.source.files.map((f) => f.url).join(', ');
  if (rules.length === 0) return `no member rule fills it (the rules fill: ${splitsFilled(spec.source.members).join(', ')}) in ${where}`;
  return `nothing in ${where} matched ${rules.map((r) => JSON.stringify(r.glob)).join(', ')}`;
}
