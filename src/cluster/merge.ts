import { hostname } from 'node:os';
import { WordmillError } from '../errors.js';
import { storeExtra } from '../pipeline/prepare.js';
import type { StageContext } from '../stage.js';
import { ensureStore } from '../store/ensure.js';
import type { TokenStore } from '../store/reader.js';
import { resolveVocab } from '../vocab/resolve.js';
import type { MergeJobData } from './jobs.js';
import { ShardReader } from './result.js';
import { shardKey, tmpKey } from './shard.js';
import type { SharedStorage } from './storage.js';

/**
 * The flow's parent: every shard result, in shard order, through the local prepare's own store
 * writer. Each shard's dictionary is merged into the writer's counter (first appearance in corpus
 * order, counts added), its documents are appended under the merged provisional ids, then the
 * vocabulary is built and the store written exactly as `prepare` does: the same code writes the same
 * bytes. The store lands under `<shared>/stores/<fingerprint>` behind the local cache's lock, so two
 * merges of the same pipeline (two submitters, a retried merge) produce one store.
 * Memory: the merged dictionary and one shard's id map; the corpus streams through spill files.
 */
export async function mergeShards(data: MergeJobData, storage: SharedStorage, root: string, ctx: StageContext): Promise<{ store: TokenStore; cached: boolean }> {
  const out = await ensureStore({ root, fingerprint: data.store, inputs: data.inputs, verify: false, log: ctx.progress.log, signal: ctx.signal }, async (writer) => {
    ctx.progress.start('merge', data.shards.length, 'shards');
    for (const [i, fp] of data.shards.entries()) {
      const key = shardKey(fp);
      const stream = await storage.get(key);
      if (!stream) throw new WordmillError('WM_ERR_STORE', `shard ${i} of ${data.shards.length}: its result ${key} is missing from ${storage.where}`, { path: key });
      try {
        const reader = await ShardReader.open(stream, key);
        const map = writer.counter.addCounted(reader.header.dictionary, reader.header.counts);
        await reader.read((split, ids, label) => {
          for (let t = 0; t < ids.length; t++) ids[t] = map[ids[t]];
          writer.appendDoc(split, ids, label);
        });
      } finally {
        stream.destroy();
      }
      ctx.progress.tick('merge', 1);
    }
    const vocab = await resolveVocab(writer.counter, data.vocab);
    const store = await writer.finish(vocab, { extra: storeExtra(data.pipeline) });
    ctx.progress.done('merge', `${data.shards.length} shards, ${writer.counter.size.toLocaleString('en-US')} distinct tokens on ${hostname()}`);
    return store;
  });
  // Temp objects of writers killed mid-put; the results themselves are kept for later runs to reuse.
  for (const fp of data.shards) {
    for (const k of await storage.list(tmpKey(fp).replace(/\.[^/]*$/, '.'))) await storage.remove(k);
  }
  return out;
}
