import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PIECE, readModel, writeModel, type Piece } from '../../src/text/subword/model-file.js';
import { BYTES, FIXED32, ProtoError, ProtoWriter, readFields, VARINT } from '../../src/text/subword/proto.js';

// readModel reads pieces in place with number varints (the BigInt loop and an object per field
// were most of a pool worker's JIT-cold model load): it must read what the field-list reader reads.
const dir = new URL('../../../test/fixtures/subword/', import.meta.url);

/** The pieces as the plain field-list reader sees them (what readModel did before reading in place). */
function referencePieces(buf: Uint8Array): Piece[] {
  return readFields(buf).filter((f) => f.num === 1 && f.wire === BYTES).map((f) => {
    const p: Piece = { piece: '', score: 0, type: PIECE.NORMAL };
    for (const g of readFields(f.bytes!)) {
      if (g.num === 1 && g.wire === BYTES) p.piece = new TextDecoder().decode(g.bytes!);
      else if (g.num === 2 && g.wire === FIXED32) p.score = new DataView(g.bytes!.buffer, g.bytes!.byteOffset, 4).getFloat32(0, true);
      else if (g.num === 3 && g.wire === VARINT) p.type = g.int!;
    }
    return p;
  });
}

test('varints on both sides of the four-byte fast path read as protobuf writes them, negatives as int64', () => {
  const values = [0, 1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31 - 1, 2 ** 32 + 5, 2 ** 53 - 1, -1, -2, -(2 ** 31)];
  const w = new ProtoWriter();
  values.forEach((v, i) => w.int(i + 1, v));
  const fields = readFields(w.finish());
  assert.deepEqual(fields.map((f) => [f.num, f.wire, f.int]), values.map((v, i) => [i + 1, VARINT, v]));
  // A varint's bytes are its own encoding: 1 byte below 2^7, 5 at 2^28, 10 for a negative.
  assert.deepEqual(fields.map((f) => f.bytes!.length), [1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5, 8, 10, 10, 10]);
  assert.throws(() => readFields(Uint8Array.of(0x08, 0x80, 0x80)), (e: unknown) => e instanceof ProtoError && /truncated varint/.test(e.message));
  assert.throws(() => readFields(Uint8Array.of(0x08, ...Array(10).fill(0xff), 0x01)), (e: unknown) => e instanceof ProtoError && /longer than 10 bytes/.test(e.message));
  assert.throws(() => readFields(Uint8Array.of(0x0a, 0x05, 0x41)), (e: unknown) => e instanceof ProtoError && /runs past the end/.test(e.message));
});

test('readModel reads the fixture models\' pieces as the field-list reader does, from a Buffer or a plain view', () => {
  for (const name of ['unigram', 'bpe', 'unigram-nfkc']) {
    const buf = readFileSync(new URL(`${name}.model`, dir));
    const m = readModel(buf);
    assert.deepEqual(m.pieces, referencePieces(buf), name);
    const copy = new Uint8Array(buf.length + 7).subarray(3, 3 + buf.length);
    copy.set(buf);
    assert.deepEqual(readModel(copy).pieces, m.pieces, `${name} at an offset view`);
    assert.deepEqual(Buffer.from(writeModel(readModel(copy))), buf, `${name} round trip`);
  }
});

test('readModel: a piece\'s repeated fields (the last wins), unknown fields, a negative type and non-ASCII text', () => {
  const piece = (build: (w: ProtoWriter) => ProtoWriter) => build(new ProtoWriter()).finish();
  const pieces = [
    piece((w) => w.string(1, '<unk>').float(2, 0).int(3, PIECE.UNKNOWN)),
    piece((w) => w.string(1, 'first').string(1, '\u2581caf\u00e9\u{1F600}').float(2, -1.5).float(2, -2.25).int(7, 99)),
    piece((w) => w.string(1, 'odd').float(2, 3.1415926).int(3, -1).bytes(9, Uint8Array.of(1, 2, 3))),
  ];
  const w = new ProtoWriter();
  for (const p of pieces) w.bytes(1, p);
  w.raw({ num: 2, wire: BYTES, bytes: new ProtoWriter().int(3, 2).finish() });
  w.int(50, 2 ** 40);
  const buf = w.finish();
  const m = readModel(buf);
  assert.deepEqual(m.pieces, referencePieces(buf));
  assert.deepEqual(m.pieces[1], { piece: '\u2581caf\u00e9\u{1F600}', score: -2.25, type: PIECE.NORMAL });
  assert.equal(m.pieces[2].type, -1);
  assert.equal(m.pieces[2].score, Math.fround(3.1415926));
  assert.equal(m.trainer.modelType, 'bpe');
  assert.deepEqual(m.fields.map((f) => [f.num, f.int]), [[2, undefined], [50, 2 ** 40]]);
  assert.deepEqual(writeModel(m).length > 0, true);
  assert.throws(() => readModel(Uint8Array.of(0x0a, 0x03, 0x0a, 0x05, 0x41)), (e: unknown) => e instanceof ProtoError && /not a SentencePiece model: field 1 runs past the end/.test(e.message));
});
