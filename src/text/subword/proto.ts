/**
 * The protobuf wire format, as much as SentencePiece's ModelProto needs: varints, 32-bit floats and
 * length-delimited fields. A message is read into its fields in file order, each keeping its raw
 * bytes, so a reader can decode what it knows and a writer can pass everything else through byte
 * for byte (protobufjs drops unknown fields and costs a 4 MB dependency; see BENCHMARKS.md).
 */
export const VARINT = 0;
export const FIXED64 = 1;
export const BYTES = 2;
export const FIXED32 = 5;

export interface Field {
  num: number;
  wire: number;
  /** Varint value (wire 0), as a signed 64-bit integer (an int32 of -1 arrives as 2^64 - 1 and reads -1). */
  int?: number;
  /** Payload: the length-delimited bytes (wire 2), the fixed 4/8 bytes (wire 5/1), or the varint's own bytes. */
  bytes?: Uint8Array;
}

export class ProtoError extends Error {}

export function readFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  forEachField(buf, 0, buf.length, (num, wire, start, end, int) => {
    out.push(wire === VARINT ? { num, wire, int, bytes: buf.subarray(start, end) } : { num, wire, bytes: buf.subarray(start, end) });
  });
  return out;
}

/**
 * Visits the fields of the message in `buf[from, to)` in file order: a varint's value in `int`
 * (its own bytes at [start, end)), a length-delimited or fixed field's payload at [start, end).
 * What readFields is built on, and what reads a model's pieces without an object per field.
 */
export function forEachField(buf: Uint8Array, from: number, to: number, visit: (num: number, wire: number, start: number, end: number, int: number) => void): void {
  let pos = from;
  const varint = (): number => {
    // Up to four bytes (< 2^28: every key, length and piece type of a model) in plain numbers: the
    // BigInt loop below was most of reading a model, which each pool worker does JIT-cold.
    let small = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= to) throw new ProtoError('truncated varint');
      const b = buf[pos++];
      small |= (b & 0x7f) << shift;
      if (b < 0x80) return small;
    }
    let result = BigInt(small);
    for (let shift = 28n; shift < 70n; shift += 7n) {
      if (pos >= to) throw new ProtoError('truncated varint');
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return Number(BigInt.asIntN(64, result));
    }
    throw new ProtoError('varint longer than 10 bytes');
  };
  while (pos < to) {
    const key = varint();
    if (key < 0) throw new ProtoError(`bad field key at byte ${pos - from}`);
    const num = Math.floor(key / 8);
    const wire = key % 8;
    if (num === 0) throw new ProtoError(`field number 0 at byte ${pos - from}`);
    if (wire === VARINT) {
      const start = pos;
      const int = varint();
      visit(num, wire, start, pos, int);
    }
    else if (wire === BYTES || wire === FIXED32 || wire === FIXED64) {
      const len = wire === BYTES ? varint() : wire === FIXED32 ? 4 : 8;
      if (pos + len > to) throw new ProtoError(`field ${num} runs past the end (${len} bytes at ${pos - from} of ${to - from})`);
      visit(num, wire, pos, pos + len, 0);
      pos += len;
    } else throw new ProtoError(`unsupported wire type ${wire} for field ${num}`);
  }
}

/** A negative int32 is written as a 10-byte two's-complement varint, as protobuf does. */
const toUnsigned = (v: number): bigint => (v < 0 ? (1n << 64n) + BigInt(v) : BigInt(v));

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }

  private varint(v: number | bigint): void {
    let x = typeof v === 'bigint' ? v : toUnsigned(v);
    const bytes: number[] = [];
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) b |= 0x80;
      bytes.push(b);
    } while (x > 0n);
    this.push(Uint8Array.from(bytes));
  }

  int(num: number, v: number): this {
    this.varint(num * 8 + VARINT);
    this.varint(v);
    return this;
  }

  bool(num: number, v: boolean): this {
    return this.int(num, v ? 1 : 0);
  }

  float(num: number, v: number): this {
    this.varint(num * 8 + FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
    return this;
  }

  bytes(num: number, v: Uint8Array): this {
    this.varint(num * 8 + BYTES);
    this.varint(v.length);
    this.push(v);
    return this;
  }

  string(num: number, v: string): this {
    return this.bytes(num, new TextEncoder().encode(v));
  }

  /** Re-emits a field read by `readFields` unchanged. */
  raw(f: Field): this {
    this.varint(f.num * 8 + f.wire);
    if (f.wire === BYTES) this.varint(f.bytes!.length);
    this.push(f.bytes!);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}

/** One decoder for every string (a fresh one per piece was a tenth of reading a model); `decode` without `stream` keeps no state between calls. */
const utf8 = new TextDecoder();
export const decodeString = (b: Uint8Array): string => utf8.decode(b);
export const decodeFloat = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
