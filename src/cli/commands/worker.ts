import path from 'node:path';
import { Option, type Command } from 'commander';
import { checkRedisUrl } from '../../cluster/redis.js';
import { startWorker } from '../../cluster/worker.js';
import { numberArg } from '../common.js';

interface WorkerFlags {
  cluster: string;
  workers?: number;
  shared?: string;
  prefix?: string;
  lockMs?: number;
  stalledMs?: number;
}

/** `wordmill worker`: runs shard and merge jobs until SIGINT/SIGTERM, then finishes the job in hand's teardown and exits. */
export function register(program: Command): void {
  program.command('worker')
    .description('a cluster worker: runs the shard and merge jobs of `prepare --cluster` flows from this Redis until stopped')
    .requiredOption('--cluster <url>', 'the Redis the flows are on (redis://HOST:PORT, rediss:// for TLS)')
    .addOption(new Option('-w, --workers <n>', 'tokenizer threads per shard (default: available parallelism)').argParser(numberArg('--workers', { min: 1, integer: true })))
    .option('--shared <dir>', 'where this machine mounts the shared directory, if not at the path the submitter uses')
    .option('--prefix <name>', 'BullMQ key prefix (separates installations on one Redis)', 'wordmill')
    .addOption(new Option('--lock-ms <ms>', 'a shard whose worker has not renewed its lock for this long is given to another worker').default(30_000).argParser(numberArg('--lock-ms', { min: 100, integer: true })))
    .addOption(new Option('--stalled-ms <ms>', 'how often to look for stalled shards').default(30_000).argParser(numberArg('--stalled-ms', { min: 100, integer: true })))
    .action(async (flags: WorkerFlags) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const worker = startWorker({
        url: checkRedisUrl(flags.cluster), prefix: flags.prefix, threads: flags.workers,
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
