import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mergeShards } from '../../src/cluster/merge.js';
import { planShards } from '../../src/cluster/plan.js';
import { runShard, shardKey } from '../../src/cluster/shard.js';
import { DirStorage } from '../../src/cluster/storage.js';
import type { ShardJobData } from '../../src/cluster/jobs.js';
import { planPrepare, prepare } from '../../src/pipeline/prepare.js';
import { defaultContext } from '../../src/stage.js';
import { assertSameStore, writeClusterCorpus } from '../util/cluster-corpus.js';
import { withTmp } from '../util/tmp.js';

test('shards run in any order (one twice) and merged give the local store, byte for byte', async () => {
  await withTmp(async (tmp) => {
    const spec = await writeClusterCorpus(path.join(tmp, 'corpus'));
    const local = await prepare(spec, { workers: 1, root: path.join(tmp, 'local') }, defaultContext());
    const plan = await planPrepare(spec, {}, defaultContext());
    assert.equal(plan.fingerprint, local.result.fingerprint);
    const shards = await planShards(spec, plan.files, 2048);
    assert.ok(shards.some((s) => s.files.length > 1), 'a run of whole files');
    assert.ok(shards.filter((s) => s.files.some((f) => f.bytes)).length > 2, 'byte ranges of big.txt');
    assert.ok(shards.filter((s) => s.files.some((f) => f.members)).length > 1, 'member ranges of the archive');
    assert.equal(new Set(shards.map((s) => s.fingerprint)).size, shards.length, 'distinct shard fingerprints');
    const shared = path.join(tmp, 'shared');
    const storage = new DirStorage(shared);
    const order = shards.map((_, i) => i).sort((a, b) => ((a * 7919) % 13) - ((b * 7919) % 13) || b - a);
    let ran = 0;
    for (const i of [...order, order[0]]) {
      const data: ShardJobData = { store: plan.fingerprint, shard: shards[i], shardCount: shards.length, text: spec.text, members: spec.source.kind === 'files' ? spec.source.members : [], shared };
      const r = await runShard(data, { storage, workers: 1 }, defaultContext());
      if (!r.reused) ran++;
    }
    assert.equal(ran, shards.length, 'the repeated shard reused its result');
    assert.deepEqual(await storage.list('shards/'), shards.map((s) => shardKey(s.fingerprint)).sort());
    const { store, cached } = await mergeShards({
      pipeline: spec.name, store: plan.fingerprint, inputs: plan.inputs, vocab: spec.vocab, shards: shards.map((s) => s.fingerprint), shared,
    }, storage, shared, defaultContext());
    assert.equal(cached, false);
    assert.equal(path.basename(store.dir), local.result.fingerprint);
    assert.ok(Object.keys(store.meta.splits).length === 3 && store.meta.labels?.length === 2, JSON.stringify(store.meta.splits));
    await assertSameStore(local.store.dir, store.dir);
  });
});
