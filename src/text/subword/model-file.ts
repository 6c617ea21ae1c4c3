import { BYTES, decodeString, FIXED32, forEachField, ProtoError, ProtoWriter, readFields, VARINT, type Field } from './proto.js';

/** ModelProto.SentencePiece.Type. */
export const PIECE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

export interface Piece {
  piece: string;
  score: number;
  type: number;
}

export interface NormalizerSpec {
  /** `identity`, `nmt_nfkc`, `nfkc`, … (informative: what normalizes is the charsmap). */
  name: string;
  /** Darts double-array trie + replacement strings; empty = identity. */
  charsmap: Uint8Array;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
}

/** The TrainerSpec fields encoding depends on (the rest travels as raw fields). */
export interface TrainerInfo {
  modelType: 'unigram' | 'bpe' | 'word' | 'char';
  vocabSize: number;
  treatWhitespaceAsSuffix: boolean;
  byteFallback: boolean;
  unkSurface: string;
}

/**
 * A SentencePiece `.model` (the ModelProto protobuf of sentencepiece_model.proto): pieces with score
 * and type, plus the trainer and normalizer specs. `fields` keeps every top-level field but the
 * pieces as read, so writing a model read from a file gives back the same bytes.
 */
export interface SentencePieceModel {
  pieces: Piece[];
  trainer: TrainerInfo;
  normalizer: NormalizerSpec;
  /** Top-level fields 2+ (trainer_spec, normalizer_spec, self_test_data, denormalizer_spec), raw, in file order. */
  fields: Field[];
}

const MODEL_TYPES = ['unigram', 'bpe', 'word', 'char'] as const;

export function readModel(given: Uint8Array, name = '<model>'): SentencePieceModel {
  // A plain Uint8Array view: a Buffer's subarray builds a Buffer, several times slower.
  const buf = new Uint8Array(given.buffer, given.byteOffset, given.byteLength);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  try {
    const pieces: Piece[] = [];
    const fields: Field[] = [];
    let trainerFields: Field[] = [];
    let normalizerFields: Field[] = [];
    // The pieces (thousands) are read in place, without an object per field: a pool worker reads
    // its model JIT-cold, and those objects and views were most of the time, as garbage.
    forEachField(buf, 0, buf.length, (num, wire, start, end, int) => {
      if (num === 1 && wire === BYTES) {
        pieces.push(readPiece(buf, view, start, end));
        return;
      }
      const bytes = buf.subarray(start, end);
      fields.push(wire === VARINT ? { num, wire, int, bytes } : { num, wire, bytes });
      if (num === 2 && wire === BYTES) trainerFields = readFields(bytes);
      if (num === 3 && wire === BYTES) normalizerFields = readFields(bytes);
    });
    if (pieces.length === 0) throw new ProtoError('no pieces');
    return { pieces, trainer: trainerInfo(trainerFields), normalizer: normalizerSpec(normalizerFields), fields };
  } catch (e) {
    if (e instanceof ProtoError) throw new ProtoError(`${name} is not a SentencePiece model: ${e.message}`);
    throw e;
  }
}

/** The SentencePiece message at `buf[start, end)`; the last of a repeated field wins, as protobuf reads it. */
function readPiece(buf: Uint8Array, view: DataView, start: number, end: number): Piece {
  const p: Piece = { piece: '', score: 0, type: PIECE.NORMAL };
  forEachField(buf, start, end, (num, wire, s, e, int) => {
    if (num === 1 && wire === BYTES) p.piece = decodeString(buf.subarray(s, e));
    else if (num === 2 && wire === FIXED32) p.score = view.getFloat32(s, true);
    else if (num === 3 && wire === VARINT) p.type = int;
  });
  return p;
}

const last = (fields: Field[], num: number): Field | undefined => {
  let out: Field | undefined;
  for (const f of fields) if (f.num === num) out = f;
  return out;
};
const bool = (fields: Field[], num: number, dflt: boolean): boolean => { const f = last(fields, num); return f ? f.int !== 0 : dflt; };
const int = (fields: Field[], num: number, dflt: number): number => last(fields, num)?.int ?? dflt;
const str = (fields: Field[], num: number, dflt: string): string => { const f = last(fields, num); return f ? decodeString(f.bytes!) : dflt; };

function trainerInfo(t: Field[]): TrainerInfo {
  const type = int(t, 3, 1);
  return {
    modelType: MODEL_TYPES[type - 1] ?? 'unigram',
    vocabSize: int(t, 4, 8000),
    treatWhitespaceAsSuffix: bool(t, 24, false),
    byteFallback: bool(t, 35, false),
    unkSurface: str(t, 44, ' \u2047 '),
  };
}

function normalizerSpec(n: Field[]): NormalizerSpec {
  return {
    name: str(n, 1, ''),
    charsmap: last(n, 2)?.bytes ?? new Uint8Array(0),
    addDummyPrefix: bool(n, 3, true),
    removeExtraWhitespaces: bool(n, 4, true),
    escapeWhitespaces: bool(n, 5, true),
  };
}

/** Serializes `model` as sentencepiece does: pieces first, a piece's type only when not NORMAL. */
export function writeModel(model: SentencePieceModel): Uint8Array {
  const w = new ProtoWriter();
  for (const p of model.pieces) {
    const pw = new ProtoWriter().string(1, p.piece).float(2, p.score);
    if (p.type !== PIECE.NORMAL) pw.int(3, p.type);
    w.bytes(1, pw.finish());
  }
  for (const f of model.fields) w.raw(f);
  return w.finish();
}

/** What wordmill's trainer records in a model it writes (TrainerSpec field numbers of sentencepiece_model.proto). */
export interface TrainerSpecOut {
  modelType: 'unigram' | 'bpe';
  vocabSize: number;
  characterCoverage: number;
  inputSentenceSize: number;
  seedSentencepieceSize: number;
  shrinkingFactor: number;
  numSubIterations: number;
  maxSentencepieceLength: number;
  userDefinedSymbols: string[];
  hardVocabLimit: boolean;
  unkId: number;
}

/** The raw top-level fields of a model wordmill trained: its TrainerSpec and an identity NormalizerSpec. */
export function specFields(t: TrainerSpecOut): Field[] {
  const tw = new ProtoWriter()
    .int(3, t.modelType === 'unigram' ? 1 : 2)
    .int(4, t.vocabSize)
    .float(10, t.characterCoverage)
    .int(11, t.inputSentenceSize)
    .int(14, t.seedSentencepieceSize)
    .float(15, t.shrinkingFactor)
    .int(17, t.numSubIterations)
    .int(20, t.maxSentencepieceLength);
  for (const s of t.userDefinedSymbols) tw.string(31, s);
  tw.bool(33, t.hardVocabLimit).int(40, t.unkId).int(41, -1).int(42, -1).int(43, -1);
  const nw = new ProtoWriter().string(1, 'identity').bytes(2, new Uint8Array(0));
  return [
    { num: 2, wire: BYTES, bytes: tw.finish() },
    { num: 3, wire: BYTES, bytes: nw.finish() },
  ];
}
