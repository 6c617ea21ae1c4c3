import { z } from 'zod';
import { WordmillError, type ErrorCode } from '../errors.js';
import { errorMap } from './messages.js';

export { z };
export * from './common.js';

/**
 * The one validation layer: every option, spec section and CLI flag is a zod schema owned by its
 * stage, parsed here. A failure is a WordmillError (WM_ERR_OPTION, or WM_ERR_SPEC for spec files)
 * whose one-line message names the key path, the rule and what is allowed, e.g.
 * `pipeline x: model.arch: "AWD_LSTM" is not a known architecture; known: lstm, gru, rnn, awd-lstm`.
 */
export function check<S extends z.ZodType>(schema: S, value: unknown, where: string, code: ErrorCode = 'WM_ERR_OPTION', sep = ': '): z.output<S> {
  const r = schema.safeParse(value, { error: errorMap, reportInput: true });
  if (r.success) return r.data;
  throw schemaError(r.error.issues, where, code, sep);
}

/** Library-call options: `validateOptions('lm batches', lmSchema, { bs: 0 })` → `lm batches: bs: must be >= 1 (got 0)`. */
export function validateOptions<S extends z.ZodType>(where: string, schema: S, given: object = {}): z.output<S> {
  return check(schema, given, where, 'WM_ERR_OPTION');
}

export function schemaError(issues: readonly z.core.$ZodIssue[], where: string, code: ErrorCode, sep = ': '): WordmillError {
  const first = unwrapUnion(issues[0]);
  const path = [...first.path];
  let message = first.message;
  if (first.code === 'unrecognized_keys') {
    // Named at the key itself, with the known key it most likely meant.
    path.push(first.keys[0]);
    if (first.keys.length > 1) message += ` (also unknown: ${first.keys.slice(1).join(', ')})`;
  }
  const key = formatPath(path);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return new WordmillError(code, `${where}${key ? `${sep}${key}` : ''}: ${message}${more}`, { option: key || undefined, rule: first.code });
}

/**
 * A union's failure told by the branch that the value's type chose (`rules: ["fixup", "bad"]` is a
 * list, so the list branch speaks: `text.rules[1]: "bad" is not a known rule`); when no branch took
 * the type, the union's own message lists what is allowed.
 */
function unwrapUnion(iss: z.core.$ZodIssue): z.core.$ZodIssue {
  if (iss.code !== 'invalid_union' || iss.errors.length === 0) return iss;
  // A branch that got inside the value beats one that only disliked its value, which beats a type mismatch.
  const score = (b: z.core.$ZodIssue[]) => (b.length === 0 ? -1 : b[0].path.length > 0 ? 2 : b[0].code !== 'invalid_type' ? 1 : 0);
  const best = Math.max(...iss.errors.map(score));
  const chosen = iss.errors.filter((b) => score(b) === best);
  if (best <= 0 || chosen.length !== 1) return iss;
  const inner = unwrapUnion(chosen[0][0]);
  return { ...inner, path: [...iss.path, ...inner.path] };
}

/** `source.files[0].sha256`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out;
}
