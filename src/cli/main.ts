import { Command, CommanderError } from 'commander';
import { diskError } from '../disk/errors.js';
import { EXIT_STATUS, isWordmillError, WordmillError } from '../errors.js';
import { COMMANDS } from './commands/index.js';
import { interruption } from './common.js';

function buildProgram(): Command {
  const program = new Command('wordmill')
    .description('Raw text corpora to trained language models: download, extract, fastai rules, spaCy-compatible tokens, vocabulary, token store, batches, TensorFlow.js training.')
    .version('0.1.0')
    .exitOverride()
    // Commander's own error lines are not printed: main() reports them as every other usage error,
    // one `wordmill: … [WM_ERR_OPTION]` line and exit 2.
    .configureOutput({ outputError: () => {} })
    // --cache-dir is applied here, before any action runs, because commands look up the cache root
    // (cacheRoot() reads $WORDMILL_HOME) at different points: `generate` resolves its checkpoint
    // before it creates a stage context, so setting it later sent it to the default cache.
    .hook('preAction', (_program, action) => {
      const { cacheDir } = action.opts<{ cacheDir?: string }>();
      if (cacheDir) process.env.WORDMILL_HOME = cacheDir;
    });
  for (const register of COMMANDS) register(program);
  return program;
}

/** Commander's parse errors (unknown option, missing argument, bad choice …) as usage errors. */
function commanderError(err: CommanderError): WordmillError {
  const text = err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim();
  return new WordmillError('WM_ERR_OPTION', `${text} (run with --help for usage)`, { rule: err.code });
}

/** Runs the CLI and returns the exit status: 0, 2 for usage errors, or the status of the error's code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    const sig = interruption();
    if (sig) {
      process.stderr.write(`wordmill: interrupted by ${sig} after its last step had completed; what it wrote is complete [WM_ERR_ABORTED]\n`);
      return EXIT_STATUS.WM_ERR_ABORTED;
    }
    return 0;
  } catch (caught) {
    // A file-system failure that no stage named (a path-based fs call keeps its path) is still a disk error.
    let err = diskError(caught, String((caught as NodeJS.ErrnoException)?.path ?? 'a file'), 'file system error');
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0; // --help, --version
      err = commanderError(err);
    }
    if (err instanceof Error && (err.name === 'AbortError' || (err as NodeJS.ErrnoException).code === 'ABORT_ERR')) {
      process.stderr.write(`wordmill: interrupted; nothing half-written was kept [WM_ERR_ABORTED]\n`);
      return EXIT_STATUS.WM_ERR_ABORTED;
    }
    if (isWordmillError(err)) {
      process.stderr.write(`wordmill: ${err.message} [${err.code}]\n`);
      if (process.env.WORDMILL_DEBUG) process.stderr.write(`${err.stack}\n`);
      return EXIT_STATUS[err.code] ?? 1;
    }
    process.stderr.write(`wordmill: unexpected error: ${err instanceof Error ? (process.env.WORDMILL_DEBUG ? err.stack : err.message) : String(err)}\n`);
    return 1;
  }
}
