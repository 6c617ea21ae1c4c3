/**
 * GPT-2's `bytes_to_unicode`: every byte gets a printable character (printable Latin-1 bytes keep
 * their own, the rest are numbered from U+0100 on), so a byte-level token is a readable string such
 * as `Ġthe` — the token texts GPT2TokenizerFast's `tokenize()` returns and its vocab.json holds.
 */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const out = new Array<string>(256);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    out[b] = String.fromCharCode(printable ? b : 256 + n++);
  }
  return out;
})();

export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

/** A latin1 byte string (one char per byte) as its GPT-2 token text. */
export function bytesToText(bytes: string): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_CHAR[bytes.charCodeAt(i)];
  return s;
}
