import { Option } from 'commander';
import { WordmillError } from '../errors.js';
import { check, named, z } from '../schema/index.js';
import { show } from '../schema/messages.js';

/**
 * The CLI's flags go through the same validation layer as spec keys and `--set`: each flag's value
 * is parsed by a zod schema (the owning stage's where it has one), at parse time, so a bad value is
 * one `wordmill: --flag: … [WM_ERR_OPTION]` line, exit 2, before any command starts work.
 */
export function flagArg<S extends z.ZodType>(flag: string, schema: S): (value: string) => z.output<S> {
  return (value) => {
    try {
      // A flag's value is a scalar or a list: an item is named `--rules[1]`.
      return check(schema, value, flag, 'WM_ERR_OPTION', '');
    } catch (e) {
      if (e instanceof WordmillError) e.details.option = flag;
      throw e;
    }
  };
}

/** Decimal notation only (`1e-3`, `.5`, `10`): `0x10`, `Infinity` and `` are not numbers a person means. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

type NumberRule = z.ZodNumber | z.ZodNumberFormat;

/** `a whole number >= 1 and <= 256`, read off the schema's own checks, so message and rule cannot drift apart. */
export function describeNumber(rule: NumberRule): string {
  const bounds = (rule._zod.def.checks ?? []).flatMap((c) => {
    const d = c._zod.def as { check: string; value?: unknown; inclusive?: boolean };
    if (d.check === 'greater_than') return [`${d.inclusive ? '>=' : '>'} ${String(d.value)}`];
    if (d.check === 'less_than') return [`${d.inclusive ? '<=' : '<'} ${String(d.value)}`];
    return [];
  });
  return [rule.isInt ? 'a whole number' : 'a number', bounds.join(' and ')].filter(Boolean).join(' ');
}

/**
 * A numeric flag checked by `rule` (posInt, positive … from schema/common, or a stage's own). Any
 * failure — not a number, a fraction for a whole number, out of range — names the whole rule.
 */
export function numberArg(flag: string, rule: NumberRule): (value: string) => number {
  const schema = z.preprocess((v) => (typeof v === 'string' && DECIMAL.test(v.trim()) ? Number(v.trim()) : v), rule);
  return (value) => {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    const given = DECIMAL.test(value.trim()) ? value.trim() : show(value);
    throw new WordmillError('WM_ERR_OPTION', `${flag}: must be ${describeNumber(rule)} (got ${given})`, { option: flag, actual: value, rule: r.error.issues[0]?.code });
  };
}

/** One of `values`; a typo gets "did you mean". */
export const enumArg = <const T extends readonly string[]>(flag: string, values: T, noun: string): ((value: string) => T[number]) =>
  flagArg(flag, named(values, noun)) as (value: string) => T[number];

/** `a,b`: one or more of `values`, each once, in the order given. */
export function listArg<const T extends readonly string[]>(flag: string, values: T, noun: string): (value: string) => T[number][] {
  const item = enumArg(flag, values, noun);
  return (value) => {
    const names = value.split(',').map((s) => s.trim()).filter(Boolean);
    if (names.length === 0) throw new WordmillError('WM_ERR_OPTION', `${flag}: needs one or more of ${values.join(', ')} (got ${show(value)})`, { option: flag, actual: value });
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw new WordmillError('WM_ERR_OPTION', `${flag}: "${twice}" is named twice; each of ${values.join(', ')} at most once (got ${show(value)})`, { option: flag, actual: value });
    return names.map(item);
  };
}

/** The long name (`--bs`) of a commander flags string (`-b, --bs <n>`). */
const longName = (flags: string): string => new Option(flags).long ?? flags;

/** A numeric option; help shows the default as given. */
export const numberOption = (flags: string, description: string, rule: NumberRule): Option =>
  new Option(flags, description).argParser(numberArg(longName(flags), rule));

/** An enum option: help lists the values (commander's choices), the schema checks them. */
export function enumOption<const T extends readonly string[]>(flags: string, description: string, values: T, noun: string): Option {
  return new Option(flags, description).choices(values).argParser(enumArg(longName(flags), values, noun));
}

/** An option whose value is checked by a stage's schema (a URL, a rule set …). */
export const schemaOption = (flags: string, description: string, schema: z.ZodType): Option =>
  new Option(flags, description).argParser(flagArg(longName(flags), schema));
