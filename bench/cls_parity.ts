/**
 * The SpamAssassin classifier benchmark's data side: writes wordmill's own batches (the language-model
 * fine-tune's `lm` batches over all of the corpus's text, then each classifier epoch's shuffled
 * sortish batches and the sorted validation batches) and the recipe's configuration to a directory;
 * bench/torch_cls.py trains fastai's ULMFiT model on exactly those batches, in that order, with that
 * schedule. wordmill's own classifier (i11's trainer side) reads the same directory's batches, so the
 * two accuracies compare frameworks, not data.
 *
 *   node dist/bench/cls_parity.js --out <dir> [--store <labelled store dir>] [--small] [--lm-epochs N]
 *        [--torch [--threads N]]
 *
 * Without --store, `wordmill prepare spam-assassin --json` finds (or builds) the store. `--small`
 * is the documented configuration for a shared 2-core machine (see CONFIG below); `--torch` then
 * runs bench/torch_cls.py on the directory (with /work/pyvenv/bin/python, else python3) and prints
 * its summary line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LMStream, SortishStream, type LMBatchOut, type SortishOptions } from '../src/batch/index.js';
import { openStore } from '../src/store/index.js';
import { allText } from '../src/pipeline/classify.js';
import type { ClsBatch } from '../src/types.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const small = args.includes('--small');

/**
 * The recipe. Full: fastai's AWD-LSTM sizes (400/1152×3) and the seed's schedule (issue 11).
 * Small (`--small`): a 2-core machine's budget; a 1-layer-smaller, narrower encoder, documents cut
 * to their last 512 tokens, and no LM fine-tune epoch (DESIGN §8: the seed's schedule assumes a
 * pretrained encoder; from scratch the classifier stages alone are the measured baseline).
 */
const CONFIG = {
  seed: 42,
  pad: 1,
  model: small
    ? { emb: 100, hidden: 200, layers: 2, dropMultLM: 0.3, dropMultCls: 0.5, linFtrs: [50] }
    : { emb: 400, hidden: 1152, layers: 3, dropMultLM: 0.3, dropMultCls: 0.5, linFtrs: [50] },
  bs: small ? 32 : 64,
  seqLen: 72,
  maxLen: small ? 512 : 1440,
  lm: { epochs: Number(opt('--lm-epochs') ?? (small ? 0 : 1)), lr: 2e-2, bs: 64, seqLen: 72 },
  stages: [
    { epochs: 1, lr: 2e-2, freezeTo: 1 },
    { epochs: 1, lr: [1e-2 / 2.6 ** 4, 1e-2], freezeTo: 2 },
    { epochs: 2, lr: [5e-3 / 2.6 ** 4, 5e-3], freezeTo: 3 },
    { epochs: 2, lr: [1e-3 / 2.6 ** 4, 1e-3], freezeTo: 0 },
  ],
  train: { wd: 0.01, eps: 1e-5, beta2: 0.99, moms: [0.8, 0.7, 0.8], pctStart: 0.25, div: 25, divFinal: 1e5, alpha: 2, beta: 1 },
  positive: 'spam',
};

function storeDir(): string {
  const given = opt('--store');
  if (given) return given;
  const r = spawnSync(process.execPath, [path.join(root, 'bin/wordmill.js'), 'prepare', 'spam-assassin', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`wordmill prepare spam-assassin failed (exit ${r.status})`);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { store: string }).store;
}

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

async function main(): Promise<void> {
  const out = opt('--out');
  if (!out) throw new Error('--out <dir> is needed');
  await mkdir(out, { recursive: true });
  const store = await openStore(storeDir());
  if (store.meta.idWidth !== 16) throw new Error('the batch files are uint16: this store needs uint32 ids');
  const labels = store.meta.labels ?? [];
  const validName = store.splits.find((s) => s !== 'train' && store.split(s).labels);
  if (!labels.length || !validName) throw new Error(`${store.dir} is not a labelled store with a validation split`);
  const o: SortishOptions = { bs: CONFIG.bs, seed: CONFIG.seed, maxLen: CONFIG.maxLen, truncate: 'tail', pad: 'chunk', seqLen: CONFIG.seqLen };
  const train = new SortishStream(store.split('train'), { ...o, shuffle: true });
  const epochs = CONFIG.stages.reduce((n, s) => n + s.epochs, 0);
  const padding: number[] = [];
  for (let e = 0; e < epochs; e++) {
    padding.push(Number(train.padding().ratio.toFixed(4)));
    await writeCls(out, `train${e}`, [...train]);
  }
  const valid = new SortishStream(store.split(validName), { ...o, shuffle: false });
  const validPadding = Number(valid.padding().ratio.toFixed(4));
  await writeCls(out, 'valid', [...valid]);
  const seqLens: number[][] = [];
  if (CONFIG.lm.epochs > 0) {
    const lm = new LMStream(allText(store), { bs: CONFIG.lm.bs, seqLen: CONFIG.lm.seqLen, shuffle: true, seed: CONFIG.seed });
    for (let e = 0; e < CONFIG.lm.epochs; e++) {
      const bs = [...lm] as LMBatchOut[];
      seqLens.push(bs.map((b) => b.seqLen));
      await writeFile(path.join(out, `lm${e}_x.u16`), u16(cat(bs.map((b) => b.x))));
      await writeFile(path.join(out, `lm${e}_y.u16`), u16(cat(bs.map((b) => b.y))));
    }
  }
  const config = { ...CONFIG, lm: { ...CONFIG.lm, seqLens }, store: store.dir, vocab: store.vocab.itos.length, labels, valid: validName, padding, validPadding };
  await writeFile(path.join(out, 'config.json'), JSON.stringify(config));
  const { lm: _lm, ...shown } = config;
  console.log(JSON.stringify({ ...shown, lmEpochs: CONFIG.lm.epochs }));
  if (args.includes('--torch')) {
    const py = existsSync('/work/pyvenv/bin/python') ? '/work/pyvenv/bin/python' : 'python3';
    const p = spawn(py, [path.join(root, 'bench/torch_cls.py'), '--dir', out, '--threads', opt('--threads') ?? '1'], { stdio: ['ignore', 'inherit', 'inherit'] });
    await new Promise<void>((resolve, reject) => p.once('close', (c) => (c === 0 ? resolve() : reject(new Error(`torch_cls.py exited ${c}`)))));
  }
}

await main();
