import type { Command } from 'commander';
import { register as inspect } from './inspect.js';
import { register as run, resolveStore } from './run.js';
import { register as tokenize } from './tokenize.js';

/** Every CLI command, in the order `--help` lists them. */
export const COMMANDS: Array<(program: Command) => void> = [
  run,
  tokenize,
  (program) => inspect(program, { resolveStore }),
];
