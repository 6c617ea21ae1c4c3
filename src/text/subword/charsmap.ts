/**
 * SentencePiece's precompiled charsmap (normalizer.cc): `<trie size: uint32 LE><darts-clone double
 * array><NUL-terminated replacement strings>`. The trie maps UTF-8 byte sequences to offsets of
 * their replacements; normalization takes the longest match at each position.
 */
export class CharsMap {
  private readonly units: Uint32Array;
  private readonly replacements: Uint8Array;

  constructor(blob: Uint8Array) {
    if (blob.length <= 4) throw new Error('precompiled charsmap is too short');
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const trieSize = view.getUint32(0, true);
    if (trieSize >= blob.length || trieSize % 4 !== 0) throw new Error('precompiled charsmap trie size exceeds the blob');
    this.units = new Uint32Array(trieSize / 4);
    for (let i = 0; i < this.units.length; i++) this.units[i] = view.getUint32(4 + 4 * i, true);
    this.replacements = blob.subarray(4 + trieSize);
  }

  /**
   * darts-clone's commonPrefixSearch keeping the longest hit: the byte length matched at `pos`
   * (0 if none) and the replacement's offset.
   */
  longest(bytes: Uint8Array, pos: number, end: number): { length: number; value: number } {
    const units = this.units;
    let node = 0;
    let unit = units[0];
    node ^= offset(unit);
    let length = 0;
    let value = 0;
    for (let i = pos; i < end; i++) {
      const label = bytes[i];
      node ^= label;
      unit = units[node];
      if (unit === undefined || (unit & 0x800000ff) !== label) break;
      node ^= offset(unit);
      if ((unit >>> 8) & 1) {
        length = i - pos + 1;
        value = units[node] & 0x7fffffff;
      }
    }
    return { length, value };
  }

  /** The NUL-terminated replacement at `value`. */
  replacement(value: number): Uint8Array {
    let e = value;
    while (e < this.replacements.length && this.replacements[e] !== 0) e++;
    return this.replacements.subarray(value, e);
  }
}

const offset = (unit: number): number => (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
