import { WordmillError } from './errors.js';

/** One option's rule. Options are validated once, at the boundary, and unknown keys are rejected. */
export type OptionRule =
  | { type: 'number'; default?: number; min?: number; max?: number; integer?: boolean }
  | { type: 'string'; default?: string; values?: readonly string[] }
  | { type: 'boolean'; default?: boolean }
  | { type: 'strings'; default?: string[] }
  | { type: 'any'; default?: unknown };

export type OptionSchema = Record<string, OptionRule>;

type Out<R> = R extends { type: 'number' } ? number
  : R extends { type: 'string' } ? string
  : R extends { type: 'boolean' } ? boolean
  : R extends { type: 'strings' } ? string[]
  : unknown;

export type Options<S extends OptionSchema> = { [K in keyof S]: Out<S[K]> };

const fail = (where: string, option: string, rule: string): never => {
  throw new WordmillError('WM_ERR_OPTION', `${where}: option "${option}" ${rule}`, { option });
};

/**
 * Checks `given` against `schema` and fills defaults. Errors name the option and the rule it broke,
 * e.g. `lm batches: option "bs" must be an integer >= 1 (got 0)`.
 */
export function validateOptions<S extends OptionSchema>(where: string, schema: S, given: object = {}): Options<S> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(given)) {
    if (!(key in schema)) {
      fail(where, key, `is unknown (known: ${Object.keys(schema).sort().join(', ')})`);
    }
  }
  for (const [key, rule] of Object.entries(schema)) {
    const value = (given as Record<string, unknown>)[key];
    if (value === undefined) {
      out[key] = rule.default;
      continue;
    }
    switch (rule.type) {
      case 'number': {
        const bounds = `${rule.min !== undefined ? ` >= ${rule.min}` : ''}${rule.max !== undefined ? ` <= ${rule.max}` : ''}`;
        const kind = rule.integer ? 'an integer' : 'a number';
        if (typeof value !== 'number' || Number.isNaN(value) || (rule.integer && !Number.isInteger(value))
          || (rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max)) {
          fail(where, key, `must be ${kind}${bounds} (got ${JSON.stringify(value)})`);
        }
        break;
      }
      case 'string':
        if (typeof value !== 'string') fail(where, key, `must be a string (got ${JSON.stringify(value)})`);
        if (rule.values && !rule.values.includes(value as string)) {
          fail(where, key, `must be one of ${rule.values.join(', ')} (got ${JSON.stringify(value)})`);
        }
        break;
      case 'boolean':
        if (typeof value !== 'boolean') fail(where, key, `must be true or false (got ${JSON.stringify(value)})`);
        break;
      case 'strings':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
          fail(where, key, `must be a list of strings (got ${JSON.stringify(value)})`);
        }
        break;
      case 'any':
        break;
    }
    out[key] = value;
  }
  return out as Options<S>;
}
