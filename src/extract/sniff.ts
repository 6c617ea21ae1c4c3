/** How a member's bytes are to be read, decided from its first bytes (never from its name). */
export type Sniffed =
  | { kind: 'text'; encoding: Encoding }
  | { kind: 'binary'; what: string };

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

/** Bytes looked at: enough for every magic number and a fair sample of the text. */
export const SAMPLE_BYTES = 8192;

/** Past this share of invalid sequences (U+FFFD) in the sample it is not text: Latin-1 prose stays under 10%, random bytes reach 40%. */
const MAX_INVALID = 0.25;
/** Past this share of C0 controls other than tab/newlines/form feed it is not text. */
const MAX_CONTROLS = 0.1;
/** Shares are judged only past this many offending characters: a 4-byte file with 2 bad bytes is damaged text, not a binary. */
const MIN_EVIDENCE = 16;

/** Magic numbers of formats that turn up in corpus folders and archives and are never text. */
const MAGIC: [string, number[], number?][] = [
  ['PNG image', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['JPEG image', [0xff, 0xd8, 0xff]],
  ['GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['PDF document', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['ELF executable', [0x7f, 0x45, 0x4c, 0x46]],
  ['zip archive', [0x50, 0x4b, 0x03, 0x04]],
  ['gzip data', [0x1f, 0x8b]],
  ['bzip2 data', [0x42, 0x5a, 0x68]],
  ['xz data', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['7-zip archive', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['zstd data', [0x28, 0xb5, 0x2f, 0xfd]],
  ['RIFF media (WAV/AVI/WebP)', [0x52, 0x49, 0x46, 0x46]],
  ['Ogg media', [0x4f, 0x67, 0x67, 0x53]],
  ['MP3 audio', [0x49, 0x44, 0x33]],
  ['MP4/QuickTime media', [0x66, 0x74, 0x79, 0x70], 4],
  ['WebAssembly module', [0x00, 0x61, 0x73, 0x6d]],
  ['SQLite database', [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66]],
  ['OLE document (old MS Office)', [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]],
  ['Java class file', [0xca, 0xfe, 0xba, 0xbe]],
  ['TIFF image', [0x49, 0x49, 0x2a, 0x00]],
  ['TIFF image', [0x4d, 0x4d, 0x00, 0x2a]],
  ['Mach-O executable', [0xcf, 0xfa, 0xed, 0xfe]],
  ['Windows executable', [0x4d, 0x5a, 0x90, 0x00]],
];

const BOMS: [Encoding, number[]][] = [
  // UTF-32LE before UTF-16LE: its BOM starts with UTF-16LE's.
  ['utf-32le', [0xff, 0xfe, 0x00, 0x00]],
  ['utf-32be', [0x00, 0x00, 0xfe, 0xff]],
  ['utf-8', [0xef, 0xbb, 0xbf]],
  ['utf-16le', [0xff, 0xfe]],
  ['utf-16be', [0xfe, 0xff]],
];

const startsWith = (b: Buffer, sig: number[], at = 0): boolean => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);

/** The encoding a byte-order mark announces, if the sample starts with one. */
export function bomOf(sample: Buffer): Encoding | undefined {
  return BOMS.find(([, sig]) => startsWith(sample, sig))?.[0];
}

/**
 * Text or not, and in which encoding: a BOM names the encoding (UTF-8/16/32); a known magic number,
 * a NUL, too many invalid UTF-8 sequences or too many control characters in the sample mean binary.
 * `sample` is the member's first SAMPLE_BYTES (or all of it); an empty member is text.
 */
export function sniff(sample: Buffer): Sniffed {
  const encoding = bomOf(sample);
  if (encoding === undefined) {
    const magic = MAGIC.find(([, sig, at]) => startsWith(sample, sig, at));
    if (magic) return { kind: 'binary', what: magic[0] };
  }
  // stream: the sample may end inside a character, which is not held against it.
  const s = encoding === 'utf-32le' || encoding === 'utf-32be' ? new Utf32Decoder(encoding === 'utf-32le').write(sample)
    : new TextDecoder(encoding ?? 'utf-8').decode(sample, { stream: true });
  if (s.length === 0) return { kind: 'text', encoding: encoding ?? 'utf-8' };
  let invalid = 0;
  let controls = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return { kind: 'binary', what: encoding ? `NUL characters in ${encoding} text` : 'NUL bytes (binary data, or UTF-16/32 without a byte-order mark)' };
    if (c === 0xfffd) invalid++;
    else if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0b && c !== 0x0c && c !== 0x0d && c !== 0x1b) || c === 0x7f) controls++;
  }
  if (invalid >= MIN_EVIDENCE && invalid / s.length > MAX_INVALID) return { kind: 'binary', what: `${Math.round((100 * invalid) / s.length)}% invalid ${encoding ?? 'UTF-8'} sequences` };
  if (controls >= MIN_EVIDENCE && controls / s.length > MAX_CONTROLS) return { kind: 'binary', what: `${Math.round((100 * controls) / s.length)}% control characters` };
  return { kind: 'text', encoding: encoding ?? 'utf-8' };
}

/** UTF-32 (TextDecoder has no UTF-32): code points out of range or surrogates become U+FFFD; a leading BOM is dropped. */
export class Utf32Decoder {
  private carry = Buffer.alloc(0);
  private first = true;
  constructor(private readonly le: boolean) {}

  write(chunk: Buffer): string {
    const b = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const whole = b.length - (b.length % 4);
    this.carry = Buffer.from(b.subarray(whole));
    const parts: string[] = [];
    for (let i = 0; i < whole; i += 4) {
      const cp = this.le ? b.readUInt32LE(i) : b.readUInt32BE(i);
      if (this.first) {
        this.first = false;
        if (cp === 0xfeff) continue;
      }
      parts.push(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\uFFFD' : String.fromCodePoint(cp));
    }
    return parts.join('');
  }

  end(): string {
    const rest = this.carry.length ? '\uFFFD' : '';
    this.carry = Buffer.alloc(0);
    return rest;
  }
}
