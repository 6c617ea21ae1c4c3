import type { Command } from 'commander';
import path from 'node:path';
import { epochOf, lmStream } from '../../pipeline/batches.js';
import type { BackendChoice } from '../../train/protocol.js';
// TF-free: TensorFlow.js loads only in the trainer process.
import { startTrainer } from '../../train/start.js';
import { addCommonFlags, cliContext, numberArg, printJson, type CommonFlags } from '../common.js';
import { prepareFromFlags } from './run.js';

interface LrFindFlags extends CommonFlags { startLr: number; endLr: number; numIt: number; plot?: string; backend?: BackendChoice }

export function register(program: Command): void {
  addCommonFlags(program.command('lr-find').argument('[pipeline]', 'catalog name, spec file, URL or path', 'human-numbers'))
    .description('learning-rate finder: an exponential sweep of the learning rate, the loss at each, a suggestion and a plot')
    .option('--start-lr <lr>', 'first learning rate', numberArg('--start-lr', { min: 0, exclusive: true }), 1e-7)
    .option('--end-lr <lr>', 'last learning rate', numberArg('--end-lr', { min: 0, exclusive: true }), 10)
    .option('--num-it <n>', 'steps of the sweep', numberArg('--num-it', { min: 0, exclusive: true }), 100)
    .option('--plot <path>', 'where to write the SVG plot of loss against lr (default: lr-find.svg here)')
    .option('--backend <name>', 'tfjs backend (default: best available)')
    .action(async (pipelineArg: string, flags: LrFindFlags) => {
      const ctx = cliContext(flags);
      try {
        const { spec, store } = await prepareFromFlags(pipelineArg, flags, ctx);
        const stream = lmStream(spec, store.split(spec.splits.train), true);
        const trainer = await startTrainer({ backend: flags.backend ?? 'auto', signal: ctx.signal, log: ctx.progress.log });
        try {
          const plotPath = path.resolve(flags.plot ?? 'lr-find.svg');
          const r = await trainer.lrFind({
            model: spec.model, train: spec.train, vocab: [...store.vocab.itos],
            trainBatches: (epoch, start) => epochOf(stream, epoch, start),
            startLr: flags.startLr, endLr: flags.endLr, numIt: Math.round(flags.numIt), plotPath,
          });
          if (flags.json) printJson({ pipeline: spec.name, suggestion: r.suggestion, plot: r.plot, points: r.points });
          else process.stdout.write(`suggested lr ${r.suggestion.toExponential(2)} (steepest descent)\nplot ${r.plot}\n`);
        } finally {
          await trainer.close();
        }
      } finally {
        ctx.close();
      }
    });
}
