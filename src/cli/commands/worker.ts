import path from 'node:path';
import type { Command } from 'commander';
import { startWorker } from '../../cluster/worker.js';
import { z } from '../../schema/index.js';
import { numberOption } from '../flags.js';
import { clusterOption, workersOption } from '../stage-flags.js';

interface WorkerFlags {
  cluster: string;
  workers?: number;
  shared?: string;
  prefix?: string;
  lockMs?: number;
  stalledMs?: number;
}

/** BullMQ's lock duration and stalled-check interval, in ms. */
const MS = z.int().min(100);

/** `wordmill worker`: runs shard and merge jobs until SIGINT/SIGTERM, then finishes the job in hand's teardown and exits. */
export function register(program: Command): void {
  program.command('worker')
    .description('a cluster worker: runs the shard and merge jobs of `prepare --cluster` flows from this Redis until stopped')
    .addOption(clusterOption('the Redis the flows are on (redis://HOST:PORT, rediss:// for TLS)').makeOptionMandatory())
    .addOption(workersOption('tokenizer threads per shard (default: available parallelism)'))
    .option('--shared <dir>', 'where this machine mounts the shared directory, if not at the path the submitter uses')
    .option('--prefix <name>', 'BullMQ key prefix (separates installations on one Redis)', 'wordmill')
    .addOption(numberOption('--lock-ms <ms>', 'a shard whose worker has not renewed its lock for this long is given to another worker', MS).default(30_000))
    .addOption(numberOption('--stalled-ms <ms>', 'how often to look for stalled shards', MS).default(30_000))
    .action(async (flags: WorkerFlags) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const worker = startWorker({
        url: flags.cluster, prefix: flags.prefix, threads: flags.workers,
        shared: flags.shared ? path.resolve(flags.shared) : undefined,
        lockDurationMs: flags.lockMs, stalledIntervalMs: flags.stalledMs, log,
      });
      let signals = 0;
      const stop = (sig: NodeJS.Signals) => {
        if (++signals > 1) process.exit(130);
        log(`worker: ${sig}: stopping (press again to force)`);
        void worker.close();
        // Closing waits for Redis to answer; with Redis gone it would wait forever.
        setTimeout(() => {
          log('worker: could not close within 10 s (is Redis reachable?); exiting');
          process.exit(1);
        }, 10_000).unref();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      await worker.closed;
    });
}
