import { WordmillError } from '../errors.js';
import { setImmediate as macrotask } from 'node:timers/promises';
import type { StageContext } from '../stage.js';
import type { BatchStream } from './types.js';

/**
 * A batch stream as a pipeline stage: `epochs` epochs from the stream's current position, stopping
 * with WM_ERR_ABORTED when the context's signal fires. Batches are made synchronously, so every 64th
 * batch waits one macrotask: IPC and signal handlers keep running (per batch it would cost ≈10% at
 * 20k batches/s).
 */
export async function* batchStage<B>(stream: BatchStream<B>, ctx: StageContext, epochs = 1): AsyncGenerator<B> {
  for (let e = 0; e < epochs; e++) {
    const task = `batches ${stream.kind}`;
    ctx.progress.start(task, stream.batchesPerEpoch() - stream.state().batch, 'batches');
    let k = 0;
    for (const b of stream) {
      if (++k % 64 === 0) await macrotask();
      if (ctx.signal.aborted) throw new WordmillError('WM_ERR_ABORTED', `${task}: interrupted at epoch ${stream.state().epoch}, batch ${stream.state().batch}`);
      yield b;
      ctx.progress.tick(task, 1);
    }
    ctx.progress.done(task);
  }
}
