import { WordmillError } from '../../errors.js';
import type { Gpt2Dims } from './gpt2-config.js';
import type { HfTensor } from './safetensors.js';

/**
 * HF GPT2LMHeadModel's weight names ↔ wordmill's gpt parameters (models/gpt.ts). Both keep the
 * Conv1D layout ([in, out]: x·W + b) and the fused q|k|v columns of c_attn in the same order, so
 * every tensor maps as it is, no transpose. TensorFlow-free: the parent process converts too.
 */
const BLOCK: Array<[hf: string, wm: string, shape: (c: number) => number[]]> = [
  ['ln_1.weight', 'ln1.g', (c) => [c]], ['ln_1.bias', 'ln1.b', (c) => [c]],
  ['attn.c_attn.weight', 'attn.w', (c) => [c, 3 * c]], ['attn.c_attn.bias', 'attn.b', (c) => [3 * c]],
  ['attn.c_proj.weight', 'proj.w', (c) => [c, c]], ['attn.c_proj.bias', 'proj.b', (c) => [c]],
  ['ln_2.weight', 'ln2.g', (c) => [c]], ['ln_2.bias', 'ln2.b', (c) => [c]],
  ['mlp.c_fc.weight', 'fc.w', (c) => [c, 4 * c]], ['mlp.c_fc.bias', 'fc.b', (c) => [4 * c]],
  ['mlp.c_proj.weight', 'mlp.w', (c) => [4 * c, c]], ['mlp.c_proj.bias', 'mlp.b', (c) => [c]],
];

/** Every weight of a GPT-2 of these dimensions: HF name (no `transformer.` prefix), wordmill name, shape. */
export function gpt2Layout(d: Gpt2Dims): Array<{ hf: string; wm: string; shape: number[] }> {
  return [
    { hf: 'wte.weight', wm: 'wte', shape: [d.vocab, d.emb] },
    { hf: 'wpe.weight', wm: 'wpe', shape: [d.context, d.emb] },
    ...Array.from({ length: d.layers }, (_, i) => BLOCK.map(([hf, wm, shape]) => ({ hf: `h.${i}.${hf}`, wm: `h${i}.${wm}`, shape: shape(d.emb) }))).flat(),
    { hf: 'ln_f.weight', wm: 'lnf.g', shape: [d.emb] },
    { hf: 'ln_f.bias', wm: 'lnf.b', shape: [d.emb] },
  ];
}

/**
 * Buffers older checkpoints carry besides the weights (the causal mask `attn.bias` and
 * `attn.masked_bias`): GPT2Attention rebuilds them, and so does wordmill's causal mask.
 */
const BUFFER = /^h\.\d+\.attn\.(bias|masked_bias)$/;

/**
 * A state dict (names with or without `transformer.`) as wordmill's parameters, keyed `param/<name>`
 * as checkpoints and restoreParams have them. Refused (WM_ERR_CHECKPOINT, naming `file`): a missing
 * weight, a shape other than the config's, an unknown key, and an `lm_head.weight` that is not
 * wte's (wordmill's head is tied).
 */
export function fromHfState(file: string, d: Gpt2Dims, state: Map<string, HfTensor>): Map<string, Float32Array> {
  const refuse = (why: string, key?: string): never => { throw new WordmillError('WM_ERR_CHECKPOINT', `${file}: ${why}`, { path: file, member: key }); };
  const byName = new Map<string, HfTensor>();
  const original = new Map<string, string>();
  for (const [k, t] of state) {
    const name = k.startsWith('transformer.') ? k.slice('transformer.'.length) : k;
    if (byName.has(name)) refuse(`${name} is there twice (with and without the transformer. prefix)`, k);
    byName.set(name, t);
    original.set(name, k);
  }
  const out = new Map<string, Float32Array>();
  const layout = gpt2Layout(d);
  for (const { hf, wm, shape } of layout) {
    const t = byName.get(hf);
    if (!t) refuse(`${hf} is missing (a GPT-2 with ${d.layers} layers has ${layout.length} weights)`, hf);
    if (t!.shape.length !== shape.length || t!.shape.some((n, i) => n !== shape[i])) {
      refuse(`${hf} has shape [${t!.shape.join(', ')}], config.json's dimensions make it [${shape.join(', ')}]`, hf);
    }
    out.set(`param/${wm}`, t!.data);
    byName.delete(hf);
  }
  const head = byName.get('lm_head.weight');
  if (head) {
    const wte = out.get('param/wte')!;
    if (head.data.length !== wte.length || head.data.some((v, i) => v !== wte[i] && !(Number.isNaN(v) && Number.isNaN(wte[i])))) {
      refuse('lm_head.weight differs from wte.weight: wordmill\'s gpt ties its output head to the token embedding', 'lm_head.weight');
    }
    byName.delete('lm_head.weight');
  }
  const unknown = [...byName.keys()].filter((k) => !BUFFER.test(k)).map((k) => original.get(k)!);
  if (unknown.length) refuse(`${unknown.length} weight${unknown.length > 1 ? 's' : ''} wordmill's gpt has no place for: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}`, unknown[0]);
  return out;
}

/** wordmill's parameters (`param/<name>` or bare names) as the state dict save_pretrained writes for GPT2LMHeadModel (tied head left out). */
export function toHfState(d: Gpt2Dims, get: (wmName: string) => Float32Array | undefined): Map<string, HfTensor> {
  const out = new Map<string, HfTensor>();
  for (const { hf, wm, shape } of gpt2Layout(d)) {
    const data = get(wm);
    if (!data || data.length !== shape.reduce((a, n) => a * n, 1)) {
      throw new WordmillError('WM_ERR_CHECKPOINT', `the checkpoint's ${wm} is ${data ? `${data.length} values, not [${shape.join(', ')}]` : 'missing'}`, { member: wm });
    }
    out.set(`transformer.${hf}`, { shape, data });
  }
  return out;
}
