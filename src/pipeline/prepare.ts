import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { fetchSource, type ResolvedFile } from '../download/index.js';
import { readDocuments, sourceRules } from '../extract/index.js';
import { tokenizeDocs, type TokenChunk } from '../pool/pool.js';
import { cacheRoot, ensureStore, fingerprint, STORE_FORMAT_VERSION, type TokenStore } from '../store/index.js';
import type { StageContext } from '../stage.js';
import type { Doc } from '../types.js';
import { loadVocabFile, resolveVocab, Vocab } from '../vocab/index.js';
import { tokenizerVocab } from '../text/index.js';
import { fingerprintText, resolveSubword } from './subword.js';
import type { TokenCounter } from '../vocab/counter.js';
import { HUMAN_NUMBERS_VERSION, humanNumbersDocs } from './embedded.js';
import type { PipelineSpec, TextSpec } from './spec.js';
import { countingSink, requireSplits } from './splits.js';
import { ALGORITHMS } from './versions.js';

export interface PrepareOptions {
  /** Tokenizer worker threads (default: available parallelism). */
  workers?: number;
  offline?: boolean;
  /** Cache root (default: cacheRoot()). */
  root?: string;
  /** Re-hash the store's files on a cached load (sizes are always checked). */
  verify?: boolean;
}

/** The `prepare` summary of the machine-readable contract (DESIGN §9). */
export interface PrepareResult {
  pipeline: string;
  store: string;
  fingerprint: string;
  cached: boolean;
  seconds: number;
  docs: number;
  tokens: Record<string, number>;
  vocabSize: number;
  /** Documents per label over every split, in the store's label order; only for a labelled corpus. */
  labels?: Record<string, number>;
  /** Peak resident memory of this process so far (worker threads included), MB. */
  peakRssMB: number;
}

/**
 * Source → documents → tokenize pool → counts and provisional-id spills → final vocabulary → store.
 * The fingerprint covers the source's content digests, every option that changes the output and the
 * stage algorithms' versions, so a cached store is reused only when it is exactly what this run would
 * build; otherwise it is built in a temp dir and renamed into place.
 */
/** What a prepare is made of before any document is read: the resolved files and the store's fingerprint. */
export interface PreparePlan {
  files: ResolvedFile[];
  /** The text spec to tokenize with (a subword model resolved: given, or trained and cached). */
  text: TextSpec;
  /** The store fingerprint's inputs, recorded in meta.json. */
  inputs: Record<string, unknown>;
  fingerprint: string;
}

/**
 * Resolves (downloads, verifies) the source and computes the fingerprint: the part of a prepare that
 * a cluster submitter does once, before it cuts the work into shards.
 */
export async function planPrepare(spec: PipelineSpec, opts: Pick<PrepareOptions, 'offline' | 'root'>, ctx: StageContext): Promise<PreparePlan> {
  let files: ResolvedFile[] = [];
  let digests: string[];
  if (spec.source.kind === 'embedded') {
    digests = [HUMAN_NUMBERS_VERSION];
  } else {
    files = await fetchSource(spec.source.files, { offline: opts.offline }, ctx);
    digests = foldDigests(files.map((f) => `${f.name}:${f.sha256}`));
  }
  const members = spec.source.kind === 'files' ? spec.source.members : undefined;
  const subword = await resolveSubword(spec, digests, opts.root ?? cacheRoot(), ctx, () => sourceDocuments(spec, files, ctx));
  const inputs = {
    source: digests,
    members,
    text: fingerprintText(spec.text),
    vocab: spec.vocab,
    // Left out when there is no file, so that those stores keep their fingerprints.
    ...(spec.vocab.file !== undefined && { vocabFile: await fileDigest(spec.vocab.file) }),
    // The model the tokenizer encodes with, by content (left out for word tokenizers, keeping their fingerprints).
    ...(subword.modelDigest !== undefined && { subwordModel: subword.modelDigest }),
    algorithms: { ...ALGORITHMS, store: `store/${STORE_FORMAT_VERSION}` },
  };
  return { files, text: subword.text, inputs, fingerprint: fingerprint(inputs) };
}

/** The documents of a whole source (a cluster shard reads a slice of the same files instead). */
export function sourceDocuments(spec: PipelineSpec, files: ResolvedFile[], ctx: StageContext): AsyncIterable<Doc> {
  return spec.source.kind === 'embedded' ? humanNumbersDocs() : readDocuments(files, sourceRules(spec.source), {}, ctx);
}

/**
 * Source → documents → tokenize pool → counts and provisional-id spills → final vocabulary → store.
 * The fingerprint covers the source's content digests, every option that changes the output and the
 * stage algorithms' versions, so a cached store is reused only when it is exactly what this run would
 * build; otherwise it is built in a temp dir and renamed into place.
 */
export async function prepare(spec: PipelineSpec, opts: PrepareOptions, ctx: StageContext): Promise<{ result: PrepareResult; store: TokenStore; text: TextSpec }> {
  const started = performance.now();
  const root = opts.root ?? cacheRoot();
  const { files, text, inputs, fingerprint: fp } = await planPrepare(spec, { ...opts, root }, ctx);
  const { store, cached } = await ensureStore({ root, fingerprint: fp, inputs, verify: opts.verify, log: ctx.progress.log, signal: ctx.signal }, async (writer) => {
    const tokenizeStart = performance.now();
    ctx.progress.start('tokenize', undefined, 'chars');
    const sink = countingSink(writer);
    const tokenized = await tokenizeInto(sourceDocuments(spec, files, ctx), { text }, sink, opts.workers, ctx);
    requireSplits(spec, sink.counts);
    ctx.progress.done('tokenize', `${tokenized.toLocaleString('en-US')} tokens, ${writer.counter.size.toLocaleString('en-US')} distinct, ${((performance.now() - tokenizeStart) / 1000).toFixed(2)} s`);
    // gpt2 and subword number their own tokens: the store takes the tokenizer's vocabulary as is.
    const own = tokenizerVocab(text);
    const vocab = own ? new Vocab(own) : await resolveVocab(writer.counter, spec.vocab);
    return writer.finish(vocab, { extra: storeExtra(spec.name) });
  });
  if (cached) requireSplits(spec, new Map(Object.entries(store.meta.splits)));
  // `text`: what encodes new text as the store was (a trained subword model's path set), for prompts.
  return { result: summarize(spec, store, fp, cached, started), store, text };
}

/** meta.json's `extra`: the same for a local and a cluster prepare, so their stores are byte-identical. */
export const storeExtra = (pipeline: string): Record<string, unknown> => ({ pipeline });

/** The `prepare` summary of a store (DESIGN §9). */
export function summarize(spec: PipelineSpec, store: TokenStore, fp: string, cached: boolean, started: number): PrepareResult {
  const tokens: Record<string, number> = {};
  let docCount = 0;
  for (const [name, split] of Object.entries(store.meta.splits)) {
    tokens[name] = split.tokens;
    docCount += split.docs;
  }
  return {
    pipeline: spec.name,
    store: store.dir,
    fingerprint: fp,
    cached,
    seconds: (performance.now() - started) / 1000,
    docs: docCount,
    tokens,
    vocabSize: store.vocab.itos.length,
    ...labelCounts(store),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** A labelled corpus's summary says how its documents divide between the labels (a skewed corpus shows). */
function labelCounts(store: TokenStore): { labels?: Record<string, number> } {
  const names = store.meta.labels;
  if (!names?.length) return {};
  const n = names.map(() => 0);
  for (const [split, m] of Object.entries(store.meta.splits)) {
    if (!m.labeled) continue;
    for (const id of store.split(split).labels ?? []) n[id]++;
  }
  return { labels: Object.fromEntries(names.map((l, i) => [l, n[i]])) };
}

/** Where tokenized documents go: a counter for provisional ids and a per-document append (a StoreWriter, or a cluster shard). */
export interface DocSink {
  readonly counter: TokenCounter;
  /** `more`: a piece of a long document whose next piece follows; its pieces make one document. */
  appendDoc(split: string, provisionalIds: Uint32Array, label?: string, more?: boolean): void;
}

/** Documents → the tokenize pool → `sink`, in corpus order; returns the token count. */
export async function tokenizeInto(docs: AsyncIterable<Doc>, spec: { text: TextSpec }, sink: DocSink, workers: number | undefined, ctx: StageContext): Promise<number> {
  let tokenized = 0;
  await pipeline(
    docs,
    (source: AsyncIterable<Doc>) => tokenizeDocs(source, { text: spec.text, workers }, ctx),
    async (chunks: AsyncIterable<TokenChunk>) => { tokenized = await spill(chunks, sink); },
    { signal: ctx.signal },
  );
  return tokenized;
}

/** Counts each chunk's tokens into provisional ids and appends every document to its split's spill; returns the token count. */
async function spill(chunks: AsyncIterable<TokenChunk>, writer: DocSink): Promise<number> {
  let tokens = 0;
  for await (const chunk of chunks) {
    tokens += chunk.ids.length;
    const provisional = writer.counter.addPooled(chunk.tokens, chunk.ids);
    let off = 0;
    for (let d = 0; d < chunk.docs.length; d++) {
      const len = chunk.lengths[d];
      writer.appendDoc(chunk.docs[d].split, provisional.subarray(off, off + len), chunk.docs[d].label, chunk.docs[d].more);
      off += len;
    }
  }
  return tokens;
}

/**
 * sha256 of the vocabulary file's bytes: the spec names it by path, so without its content an edited
 * file would reuse the store built from the old one.
 */
async function fileDigest(file: string): Promise<string> {
  try {
    return createHash('sha256').update(await readFile(file)).digest('hex');
  } catch (err) {
    // Unreadable: raise the vocabulary loader's own error (WM_ERR_NOT_FOUND / WM_ERR_VOCAB), as
    // resolveVocab did when the file was first read after tokenizing; now it comes before.
    await loadVocabFile(file);
    throw err;
  }
}

/**
 * Source digests as they enter the fingerprint (and meta.json): listed when few, folded into one
 * sha256 of the sorted-by-source list when many. A 36,500-file folder otherwise put 3 MB of digests
 * into every store's meta.json, which each cached run reads and parses.
 */
function foldDigests(lines: string[]): string[] {
  if (lines.length <= 64) return lines;
  return [`${lines.length} files:${createHash('sha256').update(lines.join('\n')).digest('hex')}`];
}
