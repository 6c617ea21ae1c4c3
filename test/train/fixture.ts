/** Shared by the trainer-process tests: a small Human Numbers corpus, fit options, temp dirs, one trainer per file. */
import { after } from 'node:test';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTrainer, type FitOptions, type TrainerClient } from '../../src/train/index.js';
import { humanNumbers, lmBatchCount, lmBatches, numericalize, vocabOf } from './lm-data.js';

export const trainTok = humanNumbers(1, 700);
export const validTok = humanNumbers(701, 900);
export const itos = vocabOf(trainTok, validTok);
export const train = numericalize(trainTok, itos);
export const valid = numericalize(validTok, itos);
export const BS = 8, SEQ = 10;

const dirs: string[] = [];
export const tmp = async (): Promise<string> => { const d = await fs.mkdtemp(path.join(os.tmpdir(), 'wm-train-')); dirs.push(d); return d; };
after(async () => { for (const d of dirs) await fs.rm(d, { recursive: true, force: true }); });

export const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };

export function fitOptions(dir: string, over: Partial<FitOptions> = {}): FitOptions {
  return {
    model: { arch: 'lstm', emb: 24, hidden: 24, layers: 2, tied: true, dropout: 0.1, alpha: 2, beta: 1 },
    train: { epochs: 2, lr: 1e-2, wd: 0.1, schedule: 'one-cycle', betas: [0.9, 0.99] },
    vocab: itos,
    trainBatches: (_e, start) => lmBatches(train, BS, SEQ, start),
    trainBatchCount: () => lmBatchCount(train.length, BS, SEQ),
    validBatches: () => lmBatches(valid, BS, SEQ),
    checkpointDir: dir,
    seed: 1,
    ...over,
  };
}

let shared: TrainerClient | undefined;
export const trainer = async (): Promise<TrainerClient> => (shared ??= await startTrainer({ backend: 'wasm' }));
after(async () => { await shared?.close(); });
