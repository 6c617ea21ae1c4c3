import { Utf32Decoder, type Encoding } from './sniff.js';

const FFFD = '\uFFFD';
const FFFD_UTF8 = Buffer.from([0xef, 0xbf, 0xbd]);

function countChar(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i !== -1; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/**
 * Streaming bytes → string for one file, UTF-8 unless sniff() found another BOM (UTF-16/32): BOM
 * removed, invalid sequences become U+FFFD and are counted (for UTF-8, U+FFFD out minus U+FFFD
 * already encoded in the input, which decodes to itself), optional universal newlines. Chunk
 * boundaries may split characters and CRLF pairs: both are carried over.
 */
export class Utf8Text {
  private decoder: { decode(b?: Buffer, o?: { stream: boolean }): string };
  private fffdOut = 0;
  private fffdIn = 0;
  private tail = Buffer.alloc(0);
  private pendingCR = false;
  private readonly utf8: boolean;
  constructor(private readonly crlf = false, encoding: Encoding = 'utf-8') {
    this.utf8 = encoding === 'utf-8';
    if (encoding === 'utf-32le' || encoding === 'utf-32be') {
      const d = new Utf32Decoder(encoding === 'utf-32le');
      this.decoder = { decode: (b, o) => (b ? d.write(b) : '') + (o?.stream ? '' : d.end()) };
    } else {
      this.decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
    }
  }

  get replacements(): number {
    return this.fffdOut - this.fffdIn;
  }

  write(chunk: Buffer): string {
    if (this.utf8 && (this.tail.length > 0 || chunk.includes(0xef))) this.countLiteral(chunk);
    return this.out(this.decoder.decode(chunk, { stream: true }), false);
  }

  end(): string {
    return this.out(this.decoder.decode(), true);
  }

  private countLiteral(chunk: Buffer): void {
    const buf = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    for (let i = buf.indexOf(FFFD_UTF8); i !== -1; i = buf.indexOf(FFFD_UTF8, i + 3)) this.fffdIn++;
    // Two trailing bytes may start a sequence that completes in the next chunk.
    const keep = buf.subarray(Math.max(0, buf.length - 2));
    this.tail = keep[keep.length - 1] === 0xef || keep[0] === 0xef ? Buffer.from(keep) : Buffer.alloc(0);
  }

  private out(s: string, last: boolean): string {
    if (s.includes(FFFD)) this.fffdOut += countChar(s, FFFD);
    if (!this.crlf) return s;
    if (this.pendingCR) {
      s = `\r${s}`;
      this.pendingCR = false;
    }
    if (!last && s.endsWith('\r')) {
      this.pendingCR = true;
      s = s.slice(0, -1);
    }
    return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
  }
}
