import type { Command } from 'commander';
import { register as classify } from './classify.js';
import { register as datasets } from './datasets.js';
import { register as exportHf } from './export-hf.js';
import { register as generate } from './generate.js';
import { register as inspect } from './inspect.js';
import { register as lrFind } from './lr-find.js';
import { register as run, resolveStore } from './run.js';
import { register as tokenize } from './tokenize.js';
import { register as worker } from './worker.js';

/** Every CLI command, in the order `--help` lists them. */
export const COMMANDS: Array<(program: Command) => void> = [
  run,
  generate,
  exportHf,
  classify,
  lrFind,
  tokenize,
  datasets,
  worker,
  (program) => inspect(program, { resolveStore }),
];
