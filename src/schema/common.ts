import { z } from 'zod';
import { notKnown as notKnownValue } from './messages.js';

/** Shared rules, so one kind of number reads and fails the same in every stage's schema. */
export const posInt = z.int().min(1);
export const nonNegInt = z.int().min(0);
export const positive = z.number().gt(0);
export const nonNeg = z.number().min(0);
export const probability = z.number().min(0).max(1);
export const nonEmpty = z.string().min(1);

/** An enum whose failure reads `"x" is not a known <noun>; known: a, b (did you mean …)`. */
export function named<const T extends readonly string[]>(values: T, noun: string) {
  return z.enum(values as unknown as readonly [T[number], ...T[number][]], { error: (iss) => (iss.code === 'invalid_value' ? notKnownValue(iss.input, values, noun) : undefined) });
}

/**
 * `schema` with other defaults for keys the input leaves out: a pipeline's defaults (fastai's
 * recipe) where a direct library call keeps the original library's.
 */
export function withDefaults<S extends z.ZodType>(schema: S, defaults: Record<string, unknown>) {
  return z.preprocess((v) => (v && typeof v === 'object' && !Array.isArray(v) ? { ...defaults, ...v } : v), schema);
}
