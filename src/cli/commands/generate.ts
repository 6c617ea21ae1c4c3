import type { Command } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { WordmillError } from '../../errors.js';
import { latestRun } from '../../pipeline/runs.js';
import type { PipelineSpec } from '../../pipeline/spec.js';
import { cacheRoot } from '../../store/index.js';
// The trainer's TF-free modules: TensorFlow.js loads only in the trainer process.
import { checkpointFile, readCheckpointHeader } from '../../train/checkpoint.js';
import { continuePrompt, encodePrompt, formatSamples } from '../../train/prompt.js';
import type { BackendChoice, ThreadsChoice } from '../../train/protocol.js';
import { startTrainer } from '../../train/start.js';
import { Vocab } from '../../vocab/vocab.js';
import { hfDirOf, isHfRef, readHfDims } from '../../train/hf/index.js';
import { Gpt2Tokenizer } from '../../text/gpt2/tokenizer.js';
import { textSchema } from '../../text/options.js';
import { check, nonNegInt, posInt, positive } from '../../schema/index.js';
import type { TextSpec } from '../../pipeline/spec.js';
import { addCommonFlags, cliContext, printJson, type CommonFlags } from '../common.js';
import { numberOption } from '../flags.js';
import { threadsOption, backendOption } from '../stage-flags.js';

interface GenerateFlags extends CommonFlags {
  checkpoint?: string;
  prompt: string;
  words: number;
  temperature: number;
  samples: number;
  topK?: number;
  greedy?: boolean;
  beams?: number;
  seed?: number;
  allowUnk?: boolean;
  backend?: BackendChoice;
  threads?: ThreadsChoice;
}

/** A checkpoint file, a run directory, or (default) the latest run's checkpoint. */
export async function resolveCheckpoint(arg: string | undefined): Promise<string> {
  const target = arg ?? (await latestRun(cacheRoot(), undefined, { lmOnly: true }));
  if (!target) throw new WordmillError('WM_ERR_CHECKPOINT', `no checkpoint given and no earlier run under ${path.join(cacheRoot(), 'runs')} with a readable language-model checkpoint: train one with \`wordmill run\``);
  const st = await stat(target).catch(() => undefined);
  if (!st) throw new WordmillError('WM_ERR_CHECKPOINT', `checkpoint ${target} does not exist`, { path: target });
  return st.isDirectory() ? checkpointFile(target) : target;
}

/** A run's checkpoint: the vocabulary is in its header, the text spec in the run's spec.json; the trainer reads the weights itself. */
async function runModel(arg: string | undefined): Promise<{ file: string; text: TextSpec; vocab: Vocab }> {
  const file = await resolveCheckpoint(arg);
  const header = await readCheckpointHeader(file);
  const spec = JSON.parse(await readFile(path.join(path.dirname(file), 'spec.json'), 'utf8').catch(() => {
    throw new WordmillError('WM_ERR_CHECKPOINT', `${path.dirname(file)} has no spec.json: cannot tell how to tokenize the prompt`, { path: file });
  })) as PipelineSpec;
  return { file, text: spec.text, vocab: new Vocab(header.vocab) };
}

/**
 * `hf:DIR`, a Hugging Face GPT-2: prompts are GPT-2's byte-level BPE on raw text, the vocabulary the
 * gpt2 tokenizer's, which config.json's vocab_size must be.
 */
async function hfModel(ref: string): Promise<{ file: string; text: TextSpec; vocab: Vocab }> {
  const dir = path.resolve(hfDirOf(ref));
  const dims = await readHfDims(dir);
  const itos = new Gpt2Tokenizer().vocab;
  if (dims.vocab !== itos.length) {
    throw new WordmillError('WM_ERR_CHECKPOINT', `${path.join(dir, 'config.json')} has vocab_size ${dims.vocab}, not the gpt2 tokenizer's ${itos.length} ids: wordmill cannot tokenize prompts for it`, { path: dir });
  }
  return { file: `hf:${dir}`, text: check(textSchema, { tokenizer: 'gpt2' }, 'text'), vocab: new Vocab(itos) };
}

export function register(program: Command): void {
  addCommonFlags(program.command('generate'), { pipeline: false })
    .description('sample continuations of a prompt from a trained checkpoint (fastai\'s learn.predict)')
    .option('--checkpoint <path>', 'checkpoint file, run directory or hf:DIR, a Hugging Face GPT-2 directory (default: the latest run)')
    .requiredOption('--prompt <text>', 'text to continue (tokenized with the run\'s own rules and tokenizer)')
    .addOption(numberOption('--words <n>', 'tokens to generate', posInt).default(40))
    // > 0, as HF's generate requires: a temperature of 0 is greedy decoding, which is --greedy.
    .addOption(numberOption('--temperature <t>', 'sampling temperature (> 0; --greedy for arg-max)', positive).default(0.75))
    .addOption(numberOption('--samples <n>', 'how many continuations', posInt).default(2))
    .addOption(numberOption('--top-k <k>', 'sample among the k most likely tokens only', posInt))
    .option('--greedy', 'always take the most likely token')
    .addOption(numberOption('--beams <n>', 'beam search with n beams (HF num_beams; the --samples best beams are printed)', posInt))
    .addOption(numberOption('--seed <n>', 'sampling seed', nonNegInt))
    .option('--allow-unk', 'let continuations contain the unknown token (fastai\'s predict no_unk=False)')
    .addOption(backendOption())
    .addOption(threadsOption())
    .action(async (flags: GenerateFlags) => {
      const { file, text, vocab } = isHfRef(flags.checkpoint) ? await hfModel(flags.checkpoint) : await runModel(flags.checkpoint);
      const prompt = encodePrompt(text, vocab, flags.prompt);
      const ctx = cliContext(flags);
      const trainer = await startTrainer({ backend: flags.backend ?? 'auto', threads: flags.threads, signal: ctx.signal, log: ctx.progress.log });
      try {
        const samples = await continuePrompt(trainer, prompt, {
          checkpoint: file, words: flags.words, temperature: flags.temperature,
          samples: flags.beams !== undefined ? Math.min(flags.samples, flags.beams) : flags.samples, topK: flags.topK, greedy: flags.greedy, beams: flags.beams, seed: flags.seed, allowUnk: flags.allowUnk,
        });
        if (flags.json) printJson({ checkpoint: file, prompt: flags.prompt, samples });
        else process.stdout.write(formatSamples(samples));
      } finally {
        await trainer.close();
        ctx.close();
      }
    });
}
