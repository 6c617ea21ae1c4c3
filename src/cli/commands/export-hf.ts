import type { Command } from 'commander';
import { exportCheckpointToHf } from '../../train/hf/export.js';
import { resolveCheckpoint } from './generate.js';
import { addCommonFlags, cliContext, printJson, type CommonFlags } from '../common.js';

interface ExportFlags extends CommonFlags { checkpoint?: string }

export function register(program: Command): void {
  addCommonFlags(program.command('export-hf'), { pipeline: false })
    .description('write a gpt language model checkpoint as a Hugging Face GPT-2 directory (config.json + model.safetensors) that GPT2LMHeadModel.from_pretrained loads, with GPT-2\'s tokenizer files (vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json) when the model uses its ids')
    .argument('<dir>', 'directory to write (created if needed; the files it writes are replaced)')
    .option('--checkpoint <path>', 'checkpoint file or run directory (default: the latest run)')
    .action(async (dir: string, flags: ExportFlags) => {
      const ctx = cliContext(flags);
      try {
        const file = await resolveCheckpoint(flags.checkpoint);
        const r = await exportCheckpointToHf(file, dir);
        const gpt2Ids = r.gpt2Tokenizer;
        if (flags.json) printJson({ checkpoint: file, dir, files: r.files, ...r.dims, gpt2Tokenizer: gpt2Ids });
        else {
          ctx.progress.log(`${file} → ${r.files.join(', ')} (GPT-2: ${r.dims.layers} layers, ${r.dims.heads} heads, emb ${r.dims.emb}, context ${r.dims.context}, vocab ${r.dims.vocab})`);
          // Without the gpt2 tokenizer's ids, GPT2Tokenizer would encode text to the wrong rows.
          if (!gpt2Ids) ctx.progress.log(`note: the model's ids are this run's own vocabulary (${r.vocab.length} tokens), not GPT-2's tokenizer: transformers has no tokenizer for them in ${dir}`);
        }
      } finally {
        ctx.close();
      }
    });
}
