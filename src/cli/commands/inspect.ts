import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createBatchStream, SortishStream, type PaddingStats } from '../../batch/index.js';
import { formatReport, formatShown, inspectStore, SHOW_TRUNC_AT, showBatch, writeZipfSvg } from '../../inspect/index.js';
import { openStore, type TokenStore } from '../../store/index.js';
import { addCommonFlags, printJson, type CommonFlags } from '../common.js';
import { nonNegInt, posInt } from '../../schema/index.js';
import { numberOption } from '../flags.js';
import { batchKindOption } from '../stage-flags.js';
import { under } from '../../paths.js';

export interface InspectFlags extends CommonFlags {
  split?: string;
  top: number;
  batches: number;
  kind?: string;
  bs: number;
  seqLen: number;
  truncAt: number;
  zipf?: string | false;
  verify: boolean;
}

export interface InspectDeps {
  /** Prepares (or loads from the cache) the store of a pipeline name, spec file or URL. */
  resolveStore(pipelineOrPath: string, opts: InspectFlags): Promise<TokenStore>;
}

async function isStoreDir(path: string): Promise<boolean> {
  try {
    return (await stat(join(path, 'meta.json'))).isFile();
  } catch {
    return false;
  }
}

export function register(program: Command, deps: InspectDeps): void {
  addCommonFlags(program.command('inspect')
    .description('vocabulary, coverage, document lengths, a Zipf plot and decoded batches of a pipeline\'s token store (or a store directory)')
    .argument('<pipeline|store-dir>', 'catalog name, spec file, URL, or a token store directory')
    .option('--split <name>', 'split to show batches from (default: train, else the first)')
    .addOption(numberOption('--top <n>', 'most frequent tokens to list', nonNegInt).default(20))
    .addOption(numberOption('--batches <n>', 'batches to decode and show', nonNegInt).default(1))
    .addOption(batchKindOption('batch stream to show (default: sortish for labelled splits, else lm)'))
    .addOption(numberOption('--bs <n>', 'rows per shown batch', posInt).default(4))
    .addOption(numberOption('--seq-len <n>', 'tokens per shown row (language-model streams)', posInt).default(20))
    .addOption(numberOption('--trunc-at <n>', 'classification rows: tokens shown per document, padding dropped (fastai\'s show_batch trunc_at)', posInt).default(SHOW_TRUNC_AT))
    .option('--zipf <path>', 'where to write the Zipf plot (default: zipf.svg in the store directory)')
    .option('--no-zipf', 'do not write the Zipf plot')
    .option('--no-verify', 'skip the sha256 check of a store directory (sizes are still checked)'))
    .action(async (target: string, flags: InspectFlags) => {
      const store = (await isStoreDir(target)) ? await openStore(target, { verify: flags.verify }) : await deps.resolveStore(target, flags);
      const report = inspectStore(store, { top: flags.top });
      let zipf: string | undefined;
      // A vocabulary with no counts at all (loaded from a bare itos file) has nothing to plot.
      if (flags.zipf !== false && store.vocab.counts.some((c) => c > 0)) {
        zipf = typeof flags.zipf === 'string' ? flags.zipf : under(store.dir, 'zipf.svg');
        await writeZipfSvg(store.vocab.counts, zipf);
      }
      const split = flags.split ?? (store.has('train') ? 'train' : store.splits[0]);
      let shown: ReturnType<typeof showBatch> = [];
      let padding: PaddingStats | undefined;
      if (split !== undefined && flags.batches > 0) {
        const data = store.split(split);
        const kind = flags.kind ?? (data.labels ? 'sortish' : 'lm');
        const stream = createBatchStream(kind, data, kind === 'sortish' ? { bs: flags.bs } : { bs: flags.bs, seqLen: flags.seqLen });
        // Before showing: showBatch advances the stream, and the padding is the whole epoch's.
        if (stream instanceof SortishStream) padding = stream.padding();
        shown = showBatch(store, stream, flags.batches, undefined, flags.truncAt);
      }
      if (flags.json) {
        printJson({ ...report, zipf, batches: shown, ...(padding && { padding }) });
        return;
      }
      const out = [formatReport(report)];
      if (padding) out.push('', `${split}: sortish padding ${(padding.ratio * 100).toFixed(2)} % of an epoch's ${padding.cells.toLocaleString('en-US')} cells (bs ${flags.bs}, whole documents)`);
      if (shown.length) out.push('', `${split}: first ${shown.length} batch(es) decoded`, formatShown(shown));
      if (zipf) out.push('', `zipf plot: ${zipf}`);
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
