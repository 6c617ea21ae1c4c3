import type { z } from 'zod';

/**
 * The words of every validation message: the rule that failed and what is allowed, in one line.
 * Passed to zod per parse (not set globally), so a schema's own `error` still wins where a noun
 * reads better ("is not a known architecture").
 */
export const errorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type': {
      // z.int() reports a string as "expected number"; say what it really wants.
      const format = (iss.inst as { _zod?: { def?: { format?: string } } } | undefined)?._zod?.def?.format;
      const noun = format === 'safeint' || format === 'int32' ? TYPE_NOUN.int : TYPE_NOUN[iss.expected] ?? iss.expected;
      return iss.input === undefined ? `is required (${noun})` : `must be ${noun} (got ${show(iss.input)})`;
    }
    case 'too_small':
      return `must ${bound(iss.origin, iss.minimum, iss.inclusive ?? true, 'min')} (got ${show(iss.input)})`;
    case 'too_big':
      return `must ${bound(iss.origin, iss.maximum, iss.inclusive ?? true, 'max')} (got ${show(iss.input)})`;
    case 'invalid_value':
      return notKnown(iss.input, iss.values.map(String), 'value');
    case 'unrecognized_keys':
      return unknownKey(iss.keys[0], knownKeys(iss.inst));
    case 'invalid_union':
      if (iss.discriminator) {
        const given = (iss.input as Record<string, unknown> | undefined)?.[iss.discriminator];
        return notKnown(given, ((iss as { options?: unknown[] }).options ?? []).map(String), iss.discriminator);
      }
      return `matches none of the allowed forms (got ${show(iss.input)})`;
    case 'invalid_format':
      return `must match ${iss.format === 'regex' ? String(iss.pattern) : iss.format} (got ${show(iss.input)})`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(iss.divisor)} (got ${show(iss.input)})`;
    default:
      return undefined;
  }
};

const TYPE_NOUN: Record<string, string> = {
  number: 'a number', int: 'a whole number', string: 'a string', boolean: 'true or false',
  object: 'an object', array: 'a list', tuple: 'a list', literal: 'a fixed value',
};

function bound(origin: string, n: unknown, inclusive: boolean, side: 'min' | 'max'): string {
  if (origin === 'array' || origin === 'set') return `have ${side === 'min' ? 'at least' : 'at most'} ${String(n)} item${n === 1 ? '' : 's'}`;
  if (origin === 'string') return n === 1 && side === 'min' ? 'not be empty' : `be ${side === 'min' ? 'at least' : 'at most'} ${String(n)} characters`;
  return `be ${side === 'min' ? (inclusive ? '>=' : '>') : (inclusive ? '<=' : '<')} ${String(n)}`;
}

/** `"AWD_LSTM" is not a known value; known: lstm, gru, rnn, awd-lstm (did you mean "awd-lstm"?)`. */
export function notKnown(given: unknown, known: readonly string[], noun: string): string {
  const head = given === undefined ? `is required; one of` : `${show(given)} is not a known ${noun}; known:`;
  const near = typeof given === 'string' ? nearest(given, known) : undefined;
  return `${head} ${known.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`;
}

function unknownKey(key: string, known: string[]): string {
  const near = nearest(key, known);
  return `is not a known key; known: ${known.join(', ') || '(none)'}${near ? ` (did you mean "${near}"?)` : ''}`;
}

function knownKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
  return shape ? Object.keys(shape) : [];
}

/** A value as the user wrote it, cut short: messages stay one line. */
export function show(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const fold = (s: string): string => s.toLowerCase().replace(/[-_ ]/g, '');

/** The known name a typo most likely meant: same letters ignoring case and `-_`, else within 2 edits. */
export function nearest(given: string, known: readonly string[]): string | undefined {
  const g = fold(given);
  const same = known.find((k) => fold(k) === g);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(g, fold(k));
    if (d < bestD && d < Math.max(2, k.length / 2)) [best, bestD] = [k, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
