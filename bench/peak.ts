/**
 * Measured peak tensor bytes of one training step (tf.profile) against memory.ts's estimate, for
 * the step plans the planner can choose (whole batch, chunked output layer, micro-batches).
 *
 *   node dist/bench/peak.js [vocab emb hidden layers bs seq]
 */
import { selectBackend } from '../src/train/backend.js';
import type { StepPlan } from '../src/train/memory.js';
import { measurePeak } from '../test/train/peak.js';

async function main(): Promise<void> {
  await selectBackend('wasm');
  const a = process.argv.slice(2).map(Number);
  const [vocab, emb, hidden, layers, bs, seq] = a.length === 6 ? a : [2000, 32, 96, 3, 16, 20];
  const spec = { vocab, emb, hidden, layers };
  const plans: StepPlan[] = [{ microBs: bs }, { microBs: bs, chunkRows: 64 }, { microBs: Math.ceil(bs / 4), chunkRows: 64 }];
  for (const plan of plans) {
    const r = await measurePeak(spec, bs, seq, plan);
    console.log(JSON.stringify({ ...spec, bs, seq, plan, peak_mib: +(r.peak / 2 ** 20).toFixed(2), estimate_mib: +(r.estimate / 2 ** 20).toFixed(2), ratio: +(r.estimate / r.peak).toFixed(2) }));
  }
}

void main();
