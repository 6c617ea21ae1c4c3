import type { Doc } from '../types.js';

/**
 * fastai's Human Numbers, generated in code so that `wordmill run` needs no network: the numbers
 * 1 to 9999 in English words (no "and", no hyphens), one per line. train.txt holds 1–7999 and
 * valid.txt 8001–9999 (8000 is in neither, as in fastai's files), and each split's lines are joined
 * with ' . ' into one stream, as the seed notebook does.
 */
const ONES = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven',
  'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** `1234` → `one thousand two hundred thirty four`; defined for 1..9999. */
export function numberToWords(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 9999) throw new RangeError(`numberToWords: ${n} is outside 1..9999`);
  const words: string[] = [];
  const thousands = Math.floor(n / 1000);
  const hundreds = Math.floor((n % 1000) / 100);
  const rest = n % 100;
  if (thousands) words.push(ONES[thousands], 'thousand');
  if (hundreds) words.push(ONES[hundreds], 'hundred');
  if (rest >= 20) {
    words.push(TENS[Math.floor(rest / 10)]);
    if (rest % 10) words.push(ONES[rest % 10]);
  } else if (rest) {
    words.push(ONES[rest]);
  }
  return words.join(' ');
}

export function humanNumbersLines(from: number, to: number): string[] {
  const lines: string[] = [];
  for (let n = from; n <= to; n++) lines.push(numberToWords(n));
  return lines;
}

const HUMAN_NUMBERS_SPLITS: Record<string, [number, number]> = { train: [1, 7999], valid: [8001, 9999] };

/** Bump when the generated text changes: it is part of every store fingerprint built from it. */
export const HUMAN_NUMBERS_VERSION = 'human-numbers/1';

/** The embedded corpus as a document source: one stream document per split. */
export async function* humanNumbersDocs(): AsyncIterable<Doc> {
  for (const [split, [from, to]] of Object.entries(HUMAN_NUMBERS_SPLITS)) {
    yield { id: `human_numbers/${split}.txt#0`, split, text: humanNumbersLines(from, to).join(' . ') };
  }
}
