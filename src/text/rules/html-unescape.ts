import { PACKED_HTML5_ENTITIES } from './html-entities.js';

/**
 * Python's `html.unescape`, exactly: the same reference pattern (numeric with or without `;`, names of
 * up to 32 characters), the same HTML5 table, the longest-known-prefix rule for names without `;`
 * (`&ampx` → `&x`), and the same fix-ups for invalid numeric references.
 */
const CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

// Windows-1252 meanings of C1 references, as HTML5 (and Python) decode them.
const INVALID_CHARREFS: Record<number, string> = {
  0x00: '\ufffd', 0x0d: '\r', 0x80: '\u20ac', 0x81: '\x81', 0x82: '\u201a', 0x83: '\u0192', 0x84: '\u201e',
  0x85: '\u2026', 0x86: '\u2020', 0x87: '\u2021', 0x88: '\u02c6', 0x89: '\u2030', 0x8a: '\u0160',
  0x8b: '\u2039', 0x8c: '\u0152', 0x8d: '\x8d', 0x8e: '\u017d', 0x8f: '\x8f', 0x90: '\x90', 0x91: '\u2018',
  0x92: '\u2019', 0x93: '\u201c', 0x94: '\u201d', 0x95: '\u2022', 0x96: '\u2013', 0x97: '\u2014',
  0x98: '\u02dc', 0x99: '\u2122', 0x9a: '\u0161', 0x9b: '\u203a', 0x9c: '\u0153', 0x9d: '\x9d',
  0x9e: '\u017e', 0x9f: '\u0178',
};

/** Code points a numeric reference may not produce: they decode to nothing. */
function isInvalidCodepoint(n: number): boolean {
  return (n >= 0x1 && n <= 0x8) || n === 0xb || (n >= 0xe && n <= 0x1f) || (n >= 0x7f && n <= 0x9f)
    || (n >= 0xfdd0 && n <= 0xfdef) || (n & 0xfffe) === 0xfffe;
}

let entities: Map<string, string> | undefined;
function table(): Map<string, string> {
  if (entities) return entities;
  entities = new Map();
  for (const item of PACKED_HTML5_ENTITIES.split(' ')) {
    const colon = item.indexOf(':');
    const cps = item.slice(colon + 1).split(',').map((h) => parseInt(h, 16));
    entities.set(item.slice(0, colon), String.fromCodePoint(...cps));
  }
  return entities;
}

function numeric(ref: string): string {
  const hex = ref[1] === 'x' || ref[1] === 'X';
  const digits = ref.slice(hex ? 2 : 1).replace(/;$/, '');
  // Python's int() is unbounded; anything past U+10FFFF decodes to U+FFFD, so clamp long numbers.
  const trimmed = digits.replace(/^0+/, '');
  const num = trimmed.length > 8 ? Infinity : parseInt(trimmed || '0', hex ? 16 : 10);
  const fixed = INVALID_CHARREFS[num];
  if (fixed !== undefined) return fixed;
  if ((num >= 0xd800 && num <= 0xdfff) || num > 0x10ffff) return '\ufffd';
  if (isInvalidCodepoint(num)) return '';
  return String.fromCodePoint(num);
}

function named(ref: string): string {
  const map = table();
  const whole = map.get(ref);
  if (whole !== undefined) return whole;
  const cps = [...ref];
  for (let x = cps.length - 1; x > 1; x--) {
    const hit = map.get(cps.slice(0, x).join(''));
    if (hit !== undefined) return hit + cps.slice(x).join('');
  }
  return '&' + ref;
}

/** Decodes HTML character references the way Python's `html.unescape` does. */
export function htmlUnescape(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(CHARREF, (_m, ref: string) => (ref[0] === '#' ? numeric(ref) : named(ref)));
}
