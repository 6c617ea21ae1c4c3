import { WordmillError } from '../../errors.js';
import { check, z } from '../../schema/index.js';

/**
 * Hugging Face's GPT2Config (config.json) as far as it decides the forward pass, checked so that a
 * model wordmill would compute differently is refused rather than loaded: GELU's tanh form only
 * (`gelu_new`, `gelu_pytorch_tanh`; GPT-2's own), LayerNorm eps 1e-5 (what gpt-block.ts computes),
 * an MLP of 4·n_embd, scaled dot-product attention, no cross-attention, a tied head. Keys that do
 * not change the forward pass (ids of special tokens, summary heads, use_cache, …) pass through.
 */
const posInt = z.number().int().positive();
export const TANH_GELUS = ['gelu_new', 'gelu_pytorch_tanh'] as const;

export const hfGpt2ConfigSchema = z.looseObject({
  model_type: z.literal('gpt2').optional(),
  n_layer: posInt,
  n_head: posInt,
  n_embd: posInt,
  n_positions: posInt,
  vocab_size: posInt,
  n_inner: posInt.nullable().optional(),
  activation_function: z.string().default('gelu_new'),
  layer_norm_epsilon: z.number().positive().default(1e-5),
  resid_pdrop: z.number().min(0).max(1).default(0.1),
  embd_pdrop: z.number().min(0).max(1).default(0.1),
  attn_pdrop: z.number().min(0).max(1).default(0.1),
  scale_attn_weights: z.boolean().default(true),
  scale_attn_by_inverse_layer_idx: z.boolean().default(false),
  add_cross_attention: z.boolean().default(false),
  tie_word_embeddings: z.boolean().default(true),
});
export type HfGpt2Config = z.output<typeof hfGpt2ConfigSchema>;

/** What wordmill's `gpt` model takes from config.json (model.layers, heads, emb, context; the vocabulary size). */
export interface Gpt2Dims { layers: number; heads: number; emb: number; context: number; vocab: number; dropout: number }

/** config.json's JSON → the model's dimensions, or WM_ERR_CHECKPOINT naming the file and what differs. */
export function gpt2Dims(file: string, json: unknown): Gpt2Dims {
  const c = check(hfGpt2ConfigSchema, json, file, 'WM_ERR_CHECKPOINT');
  const refuse = (why: string, key: string): never => {
    throw new WordmillError('WM_ERR_CHECKPOINT', `${file}: ${why}`, { path: file, option: key });
  };
  if (!(TANH_GELUS as readonly string[]).includes(c.activation_function)) {
    refuse(`activation_function "${c.activation_function}" is not GPT-2's tanh GELU (${TANH_GELUS.join(', ')}), the only one wordmill's gpt computes`, 'activation_function');
  }
  if (Math.abs(c.layer_norm_epsilon - 1e-5) > 1e-12) refuse(`layer_norm_epsilon ${c.layer_norm_epsilon}: wordmill's gpt LayerNorm uses 1e-5 (GPT-2's)`, 'layer_norm_epsilon');
  if (c.n_inner != null && c.n_inner !== 4 * c.n_embd) refuse(`n_inner ${c.n_inner}: wordmill's gpt MLP is 4 × n_embd (${4 * c.n_embd})`, 'n_inner');
  if (c.n_embd % c.n_head !== 0) refuse(`n_head ${c.n_head} does not divide n_embd ${c.n_embd}`, 'n_head');
  if (!c.scale_attn_weights || c.scale_attn_by_inverse_layer_idx) refuse('attention scores must be scaled by 1/sqrt(head dim) alone (scale_attn_weights true, scale_attn_by_inverse_layer_idx false)', 'scale_attn_weights');
  if (c.add_cross_attention) refuse('add_cross_attention: wordmill\'s gpt is a decoder without cross-attention', 'add_cross_attention');
  if (!c.tie_word_embeddings) refuse('tie_word_embeddings false: wordmill\'s gpt ties its output head to wte', 'tie_word_embeddings');
  // wordmill has one dropout for embeddings, attention and residuals (GPT-2 uses 0.1 for all three).
  return { layers: c.n_layer, heads: c.n_head, emb: c.n_embd, context: c.n_positions, vocab: c.vocab_size, dropout: c.resid_pdrop };
}

/**
 * The config.json wordmill writes: GPT2LMHeadModel's keys for these dimensions, so that
 * `GPT2LMHeadModel.from_pretrained(dir)` builds the same model. `eos` is the end-of-text id where
 * the vocabulary has one (GPT-2's 50256), else null.
 */
export function hfGpt2Config(d: Gpt2Dims, eos: number | null): Record<string, unknown> {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    activation_function: 'gelu_new',
    n_layer: d.layers, n_head: d.heads, n_embd: d.emb, n_positions: d.context, n_ctx: d.context, vocab_size: d.vocab, n_inner: null,
    layer_norm_epsilon: 1e-5,
    resid_pdrop: d.dropout, embd_pdrop: d.dropout, attn_pdrop: d.dropout,
    initializer_range: 0.02,
    scale_attn_weights: true, scale_attn_by_inverse_layer_idx: false, reorder_and_upcast_attn: false,
    tie_word_embeddings: true,
    bos_token_id: eos, eos_token_id: eos,
    torch_dtype: 'float32',
  };
}
