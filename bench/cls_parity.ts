/**
 * The SpamAssassin classifier, wordmill against PyTorch on ONE configuration: the pipeline spec (a
 * catalog name or file) with the same `--set` overrides `wordmill run` takes. This script resolves
 * it with wordmill's own loader and recipe defaults, writes the batches wordmill's run makes (the LM
 * fine-tune's over all of the text, every classifier epoch's shuffled sortish batches, the sorted
 * validation batches, from the same functions classify.ts uses), wordmill's initial encoder weights
 * and a config.json derived from the spec; bench/torch_cls.py reads only that directory. So tokens,
 * vocabulary, model sizes, dropouts, epochs, schedule and unfreezing are one config read by both.
 *
 *   node dist/bench/cls_parity.js --out <dir> [--pipeline spam-assassin] [--set k=v ...]
 *        [--torch] [--wordmill] [--sequential] [--threads N] [--max-batches N]
 *
 * `--torch` runs bench/torch_cls.py on the directory (/work/pyvenv/bin/python, else python3);
 * `--wordmill` runs `wordmill run <pipeline> --set …` itself; with both they run side by side, one
 * core each (as brown_parity does), unless --sequential, and the last line compares them.
 * `--max-batches N` caps the reference's epochs (a smoke test of the pipeline, not a figure).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { LMBatchOut } from '../src/batch/index.js';
import { openStore } from '../src/store/index.js';
import { loadPipeline } from '../src/pipeline/load.js';
import { classifierStreams, lmFineTuneStreams } from '../src/pipeline/classify.js';
import { epochOf } from '../src/pipeline/batches.js';
import { resolveRecipe } from '../src/train/recipe.js';
import { resolveModel, ONE_CYCLE } from '../src/train/index.js';
import { initParams } from '../src/train/params.js';
import { buildClassifier } from '../src/train/tasks/classifier.js';
import type { ClsBatch } from '../src/types.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const sets = args.flatMap((a, i) => (a === '--set' ? ['--set', args[i + 1]] : []));
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pipeline = opt('--pipeline') ?? 'spam-assassin';
const BIN = path.join(root, 'bin/wordmill.js');

const u16 = (a: Int32Array) => { const o = Uint16Array.from(a); return Buffer.from(o.buffer, o.byteOffset, o.byteLength); };
const i32 = (a: Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const cat = (parts: Int32Array[]) => {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};

async function writeCls(dir: string, tag: string, batches: ClsBatch[]): Promise<void> {
  await writeFile(path.join(dir, `cls_${tag}_x.u16`), u16(cat(batches.map((b) => b.x))));
  await writeFile(path.join(dir, `cls_${tag}_labels.i32`), i32(cat(batches.map((b) => b.labels))));
  await writeFile(path.join(dir, `cls_${tag}_index.i32`), i32(cat(batches.map((b) => b.index))));
  await writeFile(path.join(dir, `cls_${tag}.json`), JSON.stringify(batches.map((b) => [b.bs, b.seqLen])));
}

/** A process's last stdout line as JSON, and its wall time. */
function runJson(cmd: string, argv: string[], log: string): Promise<{ out: Record<string, unknown>; wallSeconds: number }> {
  const t0 = performance.now();
  const p = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d: Buffer) => { out += d; });
  let err = '';
  p.stderr.on('data', (d: Buffer) => {
    const lines = (err + d.toString('utf8')).split('\n');
    err = lines.pop()!;
    for (const l of lines) process.stderr.write(`${log}: ${l}\n`);
  });
  return new Promise((resolve, reject) => {
    p.once('error', reject);
    p.once('close', (c) => (c === 0
      ? resolve({ out: JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>, wallSeconds: (performance.now() - t0) / 1000 })
      : reject(new Error(`${log} exited ${c}`))));
  });
}

async function main(): Promise<void> {
  const out = opt('--out');
  if (!out) throw new Error('--out <dir> is needed');
  await mkdir(out, { recursive: true });
  const spec = await loadPipeline(pipeline, sets.filter((_, i) => i % 2 === 1));
  const recipe = resolveRecipe(spec.classifier ?? {});
  if (spec.model.arch !== 'awd-lstm') throw new Error(`torch_cls.py implements fastai's AWD-LSTM: set model.arch=awd-lstm (got ${spec.model.arch})`);
  const prep = spawnSync(process.execPath, [BIN, 'prepare', pipeline, ...sets, '--json', '--no-progress'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (prep.status !== 0) throw new Error(`wordmill prepare ${pipeline} failed (exit ${prep.status})`);
  const store = await openStore((JSON.parse(prep.stdout.trim().split('\n').pop()!) as { store: string }).store);
  if (store.meta.idWidth !== 16) throw new Error('the batch files are uint16: this store needs uint32 ids');
  const labels = store.meta.labels ?? [];
  const V = store.vocab.itos.length;
  const padId = store.vocab.itos.indexOf('xxpad');
  const validName = spec.splits.valid!;
  const { train, valid } = classifierStreams(spec, store, recipe, validName, padId);
  const epochs = recipe.stages.reduce((n, s) => n + s.epochs, 0);
  const padding: number[] = [];
  for (let e = 0; e < epochs; e++) {
    padding.push(Number(train.padding(e).ratio.toFixed(4)));
    await writeCls(out, `train${e}`, [...epochOf(train, e, 0)]);
  }
  await writeCls(out, 'valid', [...epochOf(valid, 0, 0)]);
  const seqLens: number[][] = [];
  if (recipe.lmEpochs > 0) {
    const lm = lmFineTuneStreams(spec, store, recipe).train;
    for (let e = 0; e < recipe.lmEpochs; e++) {
      const bs = [...epochOf(lm, e, 0)] as LMBatchOut[];
      seqLens.push(bs.map((b) => b.seqLen));
      await writeFile(path.join(out, `lm${e}_x.u16`), u16(cat(bs.map((b) => b.x))));
      await writeFile(path.join(out, `lm${e}_y.u16`), u16(cat(bs.map((b) => b.y))));
    }
  }
  // The models as the trainer resolves them: the LM's dropouts, and the encoder's under the classifier (dropMult).
  const lmCfg = resolveModel(spec.model, V, 'lm') as unknown as Record<string, number>;
  const encCfg = resolveModel({ ...spec.model, dropMult: recipe.dropMult }, V, 'encoder') as unknown as Record<string, number>;
  const drops = (c: Record<string, number>) => ({ output: c.outputP, hidden: c.hiddenP, input: c.inputP, embed: c.embedP, weight: c.weightP });
  // The trainer's initial weights (same seed): the LM's when it is fine-tuned first, else the classifier's encoder.
  await tf.setBackend('cpu');
  const seed = spec.batch.seed ?? 42;
  const params = recipe.lmEpochs > 0 ? initParams(resolveModel(spec.model, V, 'lm'), seed)
    : buildClassifier(resolveModel({ ...spec.model, dropMult: recipe.dropMult }, V, 'encoder'), { classes: labels, bptt: recipe.bptt, maxLen: recipe.maxLen, linFtrs: recipe.linFtrs, padId }, seed).params;
  const shapes: Record<string, number[]> = {};
  for (const [k, v] of params) {
    if (!/^(emb|l\d+\.(wx|wh|b))$/.test(k)) continue;
    const d = v.dataSync() as Float32Array;
    await writeFile(path.join(out, `param_${k}.f32`), Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    shapes[k] = v.shape;
  }
  const config = {
    pipeline, sets: sets.filter((_, i) => i % 2 === 1), seed, pad: padId, vocab: V, labels, valid: validName, positive: labels[labels.length - 1],
    model: { emb: spec.model.emb, hidden: spec.model.hidden, layers: spec.model.layers, linFtrs: recipe.linFtrs },
    drops: { lm: drops(lmCfg), cls: drops(encCfg) },
    bs: recipe.bs, seqLen: recipe.bptt, maxLen: recipe.maxLen, truncate: recipe.truncate, keep: recipe.keep,
    lm: { epochs: recipe.lmEpochs, lr: recipe.lmLr, bs: spec.batch.bs, seqLen: spec.batch.seqLen, seqLens },
    // fastai's freeze_to(-n) is the reference's freezeTo n; absent (all layers) is 0.
    stages: recipe.stages.map((s) => ({ epochs: s.epochs, lr: s.lr, freezeTo: s.freezeTo === undefined ? 0 : -s.freezeTo })),
    // What wordmill's trainer does: its classifier loss has no AR/TAR and each stage starts a fresh Adam.
    train: {
      wd: spec.train.wd, eps: 1e-5, beta2: spec.train.betas[1], moms: recipe.moms, lmMoms: ONE_CYCLE.moms, pctStart: ONE_CYCLE.pctStart,
      div: ONE_CYCLE.div, divFinal: ONE_CYCLE.divFinal, clip: spec.train.clip ?? 0, alpha: lmCfg.alpha, beta: lmCfg.beta, clsAlpha: 0, clsBeta: 0, optPerStage: true,
    },
    shapes, padding, validPadding: Number(valid.padding(0).ratio.toFixed(4)),
  };
  await writeFile(path.join(out, 'config.json'), JSON.stringify(config));
  const { lm: _lm, shapes: _s, ...shown } = config;
  console.log(JSON.stringify({ ...shown, lmEpochs: recipe.lmEpochs }));
  const py = existsSync('/work/pyvenv/bin/python') ? '/work/pyvenv/bin/python' : 'python3';
  const torch = () => runJson(py, [path.join(root, 'bench/torch_cls.py'), '--dir', out, '--threads', opt('--threads') ?? '1', ...(opt('--max-batches') ? ['--max-batches', opt('--max-batches')!] : [])], 'torch');
  const mine = () => runJson(process.execPath, [BIN, 'run', pipeline, ...sets, '--json', '--no-progress', '--backend', 'wasm'], 'wordmill');
  const both = args.includes('--torch') && args.includes('--wordmill');
  const seq = args.includes('--sequential');
  const w = args.includes('--wordmill') ? (both && !seq ? mine() : await mine()) : undefined;
  const t = args.includes('--torch') ? await torch() : undefined;
  const wr = await w;
  if (wr) console.log(JSON.stringify({ runtime: 'wordmill', accuracy: wr.out.accuracy, wallSeconds: Number(wr.wallSeconds.toFixed(1)), stages: wr.out.stages, lm: wr.out.lm }));
  if (t) console.log(JSON.stringify({ ...t.out, wallSecondsProcess: Number(t.wallSeconds.toFixed(1)) }));
  if (wr && t) {
    const ta = (t.out.final as { accuracy: number }).accuracy;
    console.log(JSON.stringify({ wordmillAccuracy: wr.out.accuracy, torchAccuracy: ta, points: Number((100 * ((wr.out.accuracy as number) - ta)).toFixed(2)), wallRatio: Number((wr.wallSeconds / t.wallSeconds).toFixed(3)), concurrent: !seq }));
  }
}

await main();
