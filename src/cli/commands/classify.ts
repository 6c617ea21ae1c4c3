import type { Command } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { WordmillError } from '../../errors.js';
import type { ClassifyResult } from '../../pipeline/classify.js';
import type { PrepareResult } from '../../pipeline/prepare.js';
import type { PipelineSpec } from '../../pipeline/spec.js';
import type { StageContext } from '../../stage.js';
// The trainer's TF-free modules: TensorFlow.js loads only in the trainer process.
import { checkpointFile, readCheckpointHeader } from '../../train/checkpoint.js';
import { saveEncoder } from '../../train/encoder.js';
import { startTrainer } from '../../train/start.js';
import { reportEpochs } from '../../train/task.js';
import type { BackendChoice, ThreadsChoice } from '../../train/protocol.js';
import { makeTextProcessor } from '../../text/index.js';
import { Vocab } from '../../vocab/vocab.js';
import type { ClsBatch } from '../../types.js';
import { addCommonFlags, cliContext, printJson, type CommonFlags } from '../common.js';
import { posInt } from '../../schema/index.js';
import { numberOption } from '../flags.js';
import { threadsOption, backendOption } from '../stage-flags.js';

/** The classifier's summary: positive-class precision/recall/F1 on the last line, everything in --json. */
export function reportClassifier(r: ClassifyResult, prep: PrepareResult, flags: CommonFlags, ctx: StageContext): void {
  const pos = r.classes.length === 2 ? 1 : undefined;
  const s = pos !== undefined ? r.report.perClass[pos] : undefined;
  ctx.progress.log(`checkpoint ${r.checkpoint}`);
  const line = `accuracy ${r.report.accuracy.toFixed(4)}`
    + (s ? `, ${r.classes[pos!]} precision ${s.precision.toFixed(4)} recall ${s.recall.toFixed(4)} F1 ${s.f1.toFixed(4)}` : `, macro F1 ${r.report.macroF1.toFixed(4)}`);
  if (!flags.json) process.stdout.write(`${line}\n`);
  if (flags.json) {
    const last = r.stages[r.stages.length - 1].fit;
    printJson({
      ...prep, task: 'classifier', backend: last.backend, device: last.device, runDir: r.runDir, checkpoint: r.checkpoint, encoder: r.encoder, classes: r.classes,
      lm: r.lm && { epochs: reportEpochs('lm', r.lm.epochs), tokensPerSecond: r.lm.tokensPerSecond },
      stages: r.stages.map((st) => ({ stage: st.stage, freezeTo: st.freezeTo ?? null, lr: st.lr, epochs: reportEpochs('classifier', st.fit.epochs), tokensPerSecond: st.fit.tokensPerSecond })),
      accuracy: r.report.accuracy, positive: s && { label: r.classes[pos!], precision: s.precision, recall: s.recall, f1: s.f1 },
      macroF1: r.report.macroF1, perClass: r.report.perClass, confusion: r.confusion, confusionSvg: r.confusionSvg,
    });
  }
}

interface PredictFlags extends CommonFlags { checkpoint: string; backend?: BackendChoice; threads?: ThreadsChoice; bs: number }

/** A checkpoint file or a run (directory): a run's last classifier stage. */
async function classifierCheckpoint(arg: string): Promise<string> {
  const st = await stat(arg).catch(() => undefined);
  if (!st) throw new WordmillError('WM_ERR_CHECKPOINT', `checkpoint ${arg} does not exist`, { path: arg });
  if (!st.isDirectory()) return arg;
  for (let i = 9; i >= 1; i--) {
    const f = checkpointFile(path.join(arg, `stage-${i}`));
    if (await stat(f).catch(() => undefined)) return f;
  }
  return checkpointFile(arg);
}

/** The run's spec.json beside the checkpoint (a stage's directory is one level down). */
async function runSpec(file: string): Promise<PipelineSpec> {
  for (const dir of [path.dirname(file), path.dirname(path.dirname(file))]) {
    const text = await readFile(path.join(dir, 'spec.json'), 'utf8').catch(() => undefined);
    if (text) return JSON.parse(text) as PipelineSpec;
  }
  throw new WordmillError('WM_ERR_CHECKPOINT', `no spec.json beside ${file}: cannot tell how to tokenize the texts`, { path: file });
}

/** Texts from the arguments, else JSON lines on stdin (`{"text": …}` or a JSON string per line). */
async function inputTexts(args: string[]): Promise<string[]> {
  if (args.length > 0) return args;
  const out: string[] = [];
  let n = 0;
  for await (const line of createInterface({ input: process.stdin })) {
    n++;
    if (!line.trim()) continue;
    let v: unknown;
    try { v = JSON.parse(line); } catch { throw new WordmillError('WM_ERR_OPTION', `stdin line ${n} is not JSON (give {"text": …} per line)`, { option: 'stdin' }); }
    const text = typeof v === 'string' ? v : (v as { text?: unknown })?.text;
    if (typeof text !== 'string') throw new WordmillError('WM_ERR_OPTION', `stdin line ${n} has no "text" string`, { option: 'stdin' });
    out.push(text);
  }
  return out;
}

/**
 * Classification batches for the texts, longest first (so each batch pads little), padded as the
 * classifier was trained (fastai's pad_input_chunk), each row carrying its input position.
 */
export function* predictBatches(ids: Int32Array[], bs: number, bptt: number, padId: number): Generator<ClsBatch> {
  const order = ids.map((_, i) => i).sort((a, b) => ids[b].length - ids[a].length || a - b);
  for (let k = 0; k < order.length; k += bs) {
    const rows = order.slice(k, k + bs);
    const width = Math.max(1, ...rows.map((r) => ids[r].length));
    const x = new Int32Array(rows.length * width).fill(padId);
    rows.forEach((r, j) => x.set(ids[r], j * width + Math.floor((width - ids[r].length) / bptt) * bptt));
    yield { kind: 'cls', x, lengths: Int32Array.from(rows, (r) => ids[r].length), labels: new Int32Array(rows.length), index: Int32Array.from(rows), bs: rows.length, seqLen: width };
  }
}

export function register(program: Command): void {
  addCommonFlags(program.command('predict').argument('[texts...]', 'texts to classify (default: JSON lines on stdin)'), { pipeline: false })
    .description('label and class probabilities per text from a classifier checkpoint, in input order')
    .requiredOption('--checkpoint <path>', 'classifier checkpoint file or run directory')
    .addOption(numberOption('--bs <n>', 'documents per batch', posInt).default(64))
    .addOption(backendOption())
    .addOption(threadsOption())
    .action(async (texts: string[], flags: PredictFlags) => {
      const file = await classifierCheckpoint(flags.checkpoint);
      const header = await readCheckpointHeader(file);
      if (header.kind !== 'classifier' || !header.classifier) throw new WordmillError('WM_ERR_CHECKPOINT', `${file} is a ${header.kind} checkpoint: predict needs a classifier`, { path: file });
      const spec = await runSpec(file);
      const docs = await inputTexts(texts);
      const vocab = new Vocab(header.vocab);
      const proc = makeTextProcessor(spec.text);
      const ids = docs.map((t) => Int32Array.from(vocab.encode(proc(t))));
      const ctx = cliContext(flags);
      const trainer = await startTrainer({ backend: flags.backend ?? 'auto', threads: flags.threads, signal: ctx.signal, log: ctx.progress.log });
      try {
        const p = await trainer.predict({ checkpoint: file, batches: predictBatches(ids, flags.bs, header.classifier.bptt, header.classifier.padId) });
        p.labels.forEach((label, i) => {
          const probs = Object.fromEntries(p.classes.map((c, k) => [c, Number(p.probs[i][k].toFixed(6))]));
          process.stdout.write(flags.json ? `${JSON.stringify({ label, probs })}\n` : `${label}\t${p.classes.map((c) => `${c} ${probs[c].toFixed(4)}`).join('  ')}\n`);
        });
      } finally {
        await trainer.close();
        ctx.close();
      }
    });

  addCommonFlags(program.command('save-encoder'), { pipeline: false })
    .description('save a checkpoint\'s encoder with its vocabulary (fastai\'s save_encoder), for `classify --encoder`')
    .requiredOption('--checkpoint <path>', 'language-model (or classifier) checkpoint')
    .requiredOption('--out <path>', 'encoder file to write')
    .action(async (flags: CommonFlags & { checkpoint: string; out: string }) => {
      await saveEncoder(flags.checkpoint, flags.out);
      if (flags.json) printJson({ checkpoint: flags.checkpoint, encoder: flags.out });
      else process.stdout.write(`encoder ${flags.out}\n`);
    });
}
