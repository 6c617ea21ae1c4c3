import { WordmillError } from '../../errors.js';
import { PyDict, PyGlobal, unpickle, type PickleValue } from './pickle.js';
import { decode, type HfTensor } from './safetensors.js';

/**
 * A `torch.save` state_dict (pytorch_model.bin): a zip archive (PyTorch ≥ 1.6) with `<name>/data.pkl`,
 * the pickle of the dict, and `<name>/data/<key>`, one raw little-endian storage per key, which
 * the pickle names through persistent ids ('storage', torch.FloatStorage, key, location, numel).
 * Tensors are rebuilt by `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)`; a view
 * (offset, strides) is copied out contiguous. The legacy pre-1.6 format (a bare pickle stream) is refused.
 */
const STORAGE_DTYPE = { 'torch FloatStorage': 'F32', 'torch HalfStorage': 'F16', 'torch BFloat16Storage': 'BF16' } as const;
type StorageName = keyof typeof STORAGE_DTYPE;

interface Storage { key: string; data: Float32Array }

export async function readTorchBin(file: string): Promise<Map<string, HfTensor>> {
  const fail = (why: string): never => { throw new WordmillError('WM_ERR_CHECKPOINT', `${file}: ${why}; convert it to model.safetensors (transformers' save_pretrained(…, safe_serialization=True))`, { path: file }); };
  const { default: unzipper } = await import('unzipper');
  const dir = await unzipper.Open.file(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new WordmillError('WM_ERR_NOT_FOUND', `${file} does not exist`, { path: file }, { cause: e });
    return fail(`not a zip archive as torch.save (PyTorch >= 1.6) writes (${e.message})`);
  });
  const pkl = dir.files.find((f) => /^[^/]+\/data\.pkl$/.test(f.path));
  if (!pkl) fail('the archive has no <name>/data.pkl');
  const prefix = pkl!.path.slice(0, -'data.pkl'.length);
  const entry = (name: string) => dir.files.find((f) => f.path === prefix + name);
  const order = entry('byteorder');
  if (order && (await order.buffer()).toString().trim() !== 'little') fail('its storages are big-endian');
  // Views are cut once every storage is decoded (the pickle names storages before their bytes are read).
  const views: Array<() => void> = [];
  const globals = {
    'collections OrderedDict': () => new PyDict(),
    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    'torch._utils _rebuild_tensor_v2': (storage: PickleValue, offset: PickleValue, size: PickleValue, stride: PickleValue) => {
      const s = storage as Storage;
      const shape = size as number[], strides = stride as number[];
      if (!s || typeof s.key !== 'string' || !Array.isArray(shape) || !Array.isArray(strides) || typeof offset !== 'number') fail('a tensor is not rebuilt from a storage');
      const t: HfTensor = { shape, data: new Float32Array(shape.reduce((a, d) => a * d, 1)) };
      views.push(() => strided(s, offset as number, shape, strides, t.data));
      return t;
    },
    'torch._utils _rebuild_parameter': (data: PickleValue) => data,
    ...Object.fromEntries(Object.keys(STORAGE_DTYPE).map((k) => [k, () => fail(`${k} is called, not named`)])),
  } as Record<string, (...a: PickleValue[]) => PickleValue>;
  // Storages by key, decoded after the pickle has said which exist and with which dtype.
  const pending = new Map<string, { storage: Storage; dtype: 'F32' | 'F16' | 'BF16'; numel: number }>();
  const state = unpickle(file, await pkl!.buffer(), {
    globals,
    persistentLoad(id) {
      const [kind, type, key, , numel] = Array.isArray(id) ? id : [];
      if (kind !== 'storage' || !(type instanceof PyGlobal) || typeof key !== 'string' || typeof numel !== 'number') fail(`an unknown persistent id ${JSON.stringify(id)}`);
      const dtype = STORAGE_DTYPE[(type as PyGlobal).name as StorageName];
      if (!dtype) fail(`a ${(type as PyGlobal).name} storage; wordmill reads float32, float16 and bfloat16`);
      const known = pending.get(key as string);
      if (known) return known.storage;
      const storage: Storage = { key: key as string, data: new Float32Array(0) };
      pending.set(key as string, { storage, dtype, numel: numel as number });
      return storage;
    },
  });
  for (const [key, p] of pending) {
    const e = entry(`data/${key}`);
    if (!e) fail(`storage ${key} is missing from the archive`);
    const raw = await e!.buffer();
    const width = p.dtype === 'F32' ? 4 : 2;
    if (raw.length !== p.numel * width) fail(`storage ${key} has ${raw.length} bytes, the pickle says ${p.numel} ${p.dtype} values`);
    p.storage.data = decode(raw, p.dtype, p.numel);
  }
  views.forEach((cut) => cut());
  if (!(state instanceof PyDict)) fail('the pickle is not a state_dict (a dict of tensors)');
  const out = new Map<string, HfTensor>();
  for (const [k, v] of state as PyDict) {
    if (typeof k !== 'string' || !v || !(v as HfTensor).data) fail(`entry ${String(k)} is not a tensor`);
    out.set(k as string, v as HfTensor);
  }
  return out;

  function strided(s: Storage, offset: number, shape: number[], strides: number[], into: Float32Array): void {
    const n = into.length;
    let last = offset;
    for (let d = 0; d < shape.length; d++) if (shape[d] > 0) last += (shape[d] - 1) * strides[d];
    if (n > 0 && (offset < 0 || last >= s.data.length)) fail(`a tensor's view runs past storage ${s.key}`);
    const idx = new Array<number>(shape.length).fill(0);
    for (let i = 0; i < n; i++) {
      let at = offset;
      for (let d = 0; d < shape.length; d++) at += idx[d] * strides[d];
      into[i] = s.data[at];
      for (let d = shape.length - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
    }
  }
}
