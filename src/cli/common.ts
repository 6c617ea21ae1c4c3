import type { Command } from 'commander';
import { createProgress } from './progress.js';
import { workersOption } from './stage-flags.js';
import type { StageContext } from '../stage.js';

/** Options shared by every command that runs part of the pipeline. */
export interface CommonFlags {
  json?: boolean;
  quiet?: boolean;
  progress?: boolean;
  workers?: number;
  set?: string[];
  offline?: boolean;
  /** Set as $WORDMILL_HOME by the program's preAction hook (main.ts), before any command looks up the cache. */
  cacheDir?: string;
}

/**
 * `pipeline: false` for commands that read a checkpoint and prepare nothing (generate, predict,
 * save-encoder): they take no --workers, --set or --offline, which they could only ignore.
 */
export function addCommonFlags(cmd: Command, { pipeline = true } = {}): Command {
  cmd
    .option('--json', 'print a machine-readable JSON summary as the last line of stdout')
    .option('-q, --quiet', 'no progress output')
    .option('--no-progress', 'plain log lines instead of progress bars');
  if (pipeline) {
    cmd
      .addOption(workersOption())
      .option('--set <key=value>', 'override a spec option, repeatable: --set vocab.minFreq=1 --set batch.bs=32', (v: string, prev: string[] = []) => [...prev, v])
      .option('--offline', 'use the download cache only; fail if something is missing');
  }
  return cmd.option('--cache-dir <dir>', 'cache root (default: $WORDMILL_HOME, $XDG_CACHE_HOME/wordmill, ~/.cache/wordmill)');
}

let interruptedBy: NodeJS.Signals | undefined;
/**
 * The signal that interrupted this CLI run, if any. A command whose last step ignored the abort (it
 * was already past the point of no return, like a store being renamed into place) still finishes,
 * and main() then exits 130, not 0: a script must never read an interrupted run as a success.
 */
export const interruption = (): NodeJS.Signals | undefined => interruptedBy;

/** The stage context for one CLI run: Ctrl-C aborts the run cleanly (stages tear down, partial outputs are removed). */
export function cliContext(flags: CommonFlags): StageContext & { close(): void } {
  const controller = new AbortController();
  const progress = createProgress({ quiet: flags.quiet, tty: flags.progress === false ? false : undefined });
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    interruptedBy ??= sig;
    if (interrupts > 1) process.exit(130);
    progress.log(`wordmill: ${sig}: stopping (press again to force)`);
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    progress,
    close() {
      progress.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** The machine-readable contract (DESIGN §9): one JSON object, the last line of stdout. */
export function printJson(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}
