import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WordmillError } from '../../errors.js';
import { ensureDir, writeFileAtomic } from '../../disk/write.js';
import { gpt2Dims, hfGpt2Config, type Gpt2Dims } from './gpt2-config.js';
import { fromHfState, toHfState } from './gpt2-names.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { readTorchBin } from './torch-bin.js';

/**
 * Pretrained GPT-2 weights in the Hugging Face layout: a directory with config.json and
 * model.safetensors (preferred) or pytorch_model.bin, as save_pretrained writes it. TensorFlow-free
 * (the parent validates and converts; the trainer loads). `hf:DIR` is how a spec names one.
 */
export const HF_PREFIX = 'hf:';
export const isHfRef = (s: unknown): s is string => typeof s === 'string' && s.startsWith(HF_PREFIX);
export const hfDirOf = (ref: string): string => ref.slice(HF_PREFIX.length);

export interface HfModel { dir: string; file: string; dims: Gpt2Dims; tensors: Map<string, Float32Array> }

/** config.json's dimensions, without reading the weights (spec validation, before any download). */
export async function readHfDims(dir: string): Promise<Gpt2Dims> {
  const file = path.join(dir, 'config.json');
  const text = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new WordmillError(e.code === 'ENOENT' ? 'WM_ERR_NOT_FOUND' : 'WM_ERR_CHECKPOINT',
      `${dir} is not a Hugging Face model directory: ${file} cannot be read (${e.code ?? e.message})`, { path: file }, { cause: e });
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new WordmillError('WM_ERR_CHECKPOINT', `${file} is not valid JSON: ${(e as Error).message}`, { path: file });
  }
  return gpt2Dims(file, json);
}

/** The weights of `dir` as wordmill's gpt parameters (`param/<name>`), checked against its config.json. */
export async function loadHfGpt2(dir: string): Promise<HfModel> {
  const dims = await readHfDims(dir);
  const has = async (f: string) => fs.stat(path.join(dir, f)).then((s) => s.isFile(), () => false);
  let file: string;
  let state;
  if (await has('model.safetensors')) {
    file = path.join(dir, 'model.safetensors');
    state = (await readSafetensors(file)).tensors;
  } else if (await has('pytorch_model.bin')) {
    file = path.join(dir, 'pytorch_model.bin');
    state = await readTorchBin(file);
  } else {
    const sharded = (await has('model.safetensors.index.json')) || (await has('pytorch_model.bin.index.json'));
    throw new WordmillError('WM_ERR_NOT_FOUND', `${dir} has ${sharded ? 'a sharded checkpoint (*.index.json), which wordmill does not read: save it unsharded' : 'neither model.safetensors nor pytorch_model.bin'}`, { path: dir });
  }
  return { dir, file, dims, tensors: fromHfState(file, dims, state) };
}

/**
 * Writes `dir`/config.json and `dir`/model.safetensors (float32, names as save_pretrained gives
 * GPT2LMHeadModel's, tied head left out, metadata format "pt", which transformers requires).
 */
export async function saveHfGpt2(dir: string, dims: Gpt2Dims, get: (wmName: string) => Float32Array | undefined, eos: number | null): Promise<string[]> {
  await ensureDir(dir, 'cannot create the model directory');
  const weights = path.join(dir, 'model.safetensors'), config = path.join(dir, 'config.json');
  await writeSafetensors(weights, toHfState(dims, get), { format: 'pt' });
  await writeFileAtomic(config, `${JSON.stringify(hfGpt2Config(dims, eos), null, 2)}\n`, 'cannot write config.json');
  return [config, weights];
}
