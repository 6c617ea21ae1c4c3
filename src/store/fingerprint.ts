import { createHash } from 'node:crypto';
import { under } from '../paths.js';

/** JSON with object keys sorted at every level, so equal inputs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/**
 * The store's name: sha256 over the canonical JSON of everything that changes the output (source
 * digests, options, and an `algorithms` map of stage versions the caller bumps when a stage's output
 * changes). 32 hex digits (128 bits) keep paths short with no practical collision risk.
 */
export function fingerprint(inputs: object): string {
  return createHash('sha256').update(canonicalJson(inputs)).digest('hex').slice(0, 32);
}

export { cacheRoot } from '../cache.js';

export const storesDir = (root: string): string => under(root, 'stores');
export const storeDir = (root: string, fp: string): string => under(storesDir(root), fp);
