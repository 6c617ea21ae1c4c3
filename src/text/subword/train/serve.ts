import type { MessagePort } from 'node:worker_threads';
import { WordmillError } from '../../../errors.js';
import type { Reply, Request } from './protocol.js';
import { Shard } from './shard.js';

/**
 * A trainer worker's loop (workers/subword-train.ts runs it on its parent port): one shard, built
 * by `init` and kept for the whole training, answering each request in order. Any failure is sent
 * back as a WordmillError's data, so the main thread reports it and tears every worker down.
 * `check` runs before each request (tests inject failures with it).
 */
export function serve(port: MessagePort, check: (req: Request) => void = () => {}): void {
  let shard: Shard | undefined;
  port.on('message', (req: Request) => {
    let reply: Reply;
    const transfer: ArrayBuffer[] = [];
    try {
      check(req);
      if (req.op === 'init') {
        shard = new Shard(req.init);
        reply = { ok: true };
      } else if (!shard) {
        throw new WordmillError('WM_ERR_WORKER', `subword trainer worker: "${req.op}" before "init"`);
      } else if (req.op === 'expected') {
        const chunks = shard.expected(req);
        for (const c of chunks) transfer.push(c.ids.buffer as ArrayBuffer, c.values.buffer as ArrayBuffer);
        reply = { ok: true, chunks };
      } else {
        const prune = shard.prune(req);
        transfer.push(prune.freq.buffer as ArrayBuffer, prune.records.buffer as ArrayBuffer);
        reply = { ok: true, prune };
      }
    } catch (e) {
      reply = { ok: false, error: WordmillError.from(e, 'WM_ERR_TRAIN', 'subword trainer worker').toJSON() };
    }
    port.postMessage(reply, transfer);
  });
}
