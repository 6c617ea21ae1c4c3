import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipMember {
  name: string;
  body: Buffer | string;
  /** Deflate (default) or store. */
  store?: boolean;
  /** Sizes and CRC after the data (general purpose flag bit 3), as streaming zippers write them. */
  descriptor?: boolean;
  /** Unix mode in the external attributes, e.g. 0o120777 for a symlink. */
  mode?: number;
  /** Declare this uncompressed size through a zip64 extra field (faked: the data stays small). */
  zip64Size?: number;
  /** Set the encryption flag (the bytes stay plain: a reader must refuse the flag, not fail to inflate). */
  encrypted?: boolean;
  /** Declare this compression method (the data is stored as is). */
  method?: number;
  /** Central record points at member `pointAt`'s local header instead of its own (an overlapped bomb). */
  pointAt?: number;
  /** Central record claims this many compressed bytes more than the data has (its range overlaps the next). */
  claimExtra?: number;
  /** Declare this uncompressed size in both headers instead of the real one (a lying bomb). */
  claimSize?: number;
}

const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };
const u64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; };

/** A tiny zip writer for tests: enough of the format to build descriptors, zip64 sizes and symlinks. */
export function buildZip(members: ZipMember[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const offsets: number[] = [];
  for (const m of members) {
    offsets.push(offset);
    const raw = Buffer.isBuffer(m.body) ? m.body : Buffer.from(m.body);
    const data = m.store || m.method !== undefined ? raw : deflateRawSync(raw);
    const crc = crc32(raw);
    const name = Buffer.from(m.name);
    const flags = (m.descriptor ? 0x08 : 0) | 0x800 | (m.encrypted ? 0x01 : 0);
    const method = m.method ?? (m.store ? 0 : 8);
    const usize = m.zip64Size !== undefined ? 0xffffffff : (m.claimSize ?? raw.length);
    const extra = m.zip64Size !== undefined ? Buffer.concat([u16(1), u16(8), u64(m.zip64Size)]) : Buffer.alloc(0);
    const local = Buffer.concat([
      u32(0x04034b50), u16(45), u16(flags), u16(method), u16(0), u16(0x21),
      u32(m.descriptor ? 0 : crc), u32(m.descriptor ? 0 : data.length), u32(m.descriptor ? 0 : usize),
      u16(name.length), u16(extra.length), name, extra,
    ]);
    const descriptor = m.descriptor ? Buffer.concat([u32(0x08074b50), u32(crc), u32(data.length), u32(raw.length)]) : Buffer.alloc(0);
    parts.push(local, data, descriptor);
    central.push(Buffer.concat([
      u32(0x02014b50), u16((3 << 8) | 45), u16(45), u16(flags), u16(method), u16(0), u16(0x21),
      u32(crc), u32(data.length + (m.claimExtra ?? 0)), u32(usize), u16(name.length), u16(extra.length), u16(0), u16(0), u16(0),
      u32(((m.mode ?? 0o100644) << 16) >>> 0), u32(m.pointAt !== undefined ? offsets[m.pointAt] : offset), name, extra,
    ]));
    offset += local.length + data.length + descriptor.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(members.length), u16(members.length), u32(cd.length), u32(offset), u16(0)]);
  return Buffer.concat([...parts, cd, end]);
}
