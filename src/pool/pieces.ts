import { WordmillError } from '../errors.js';
import type { TextSpec } from '../pipeline/spec.js';
import { makeTextCutter } from '../text/cut.js';
import type { Doc } from '../types.js';

/** How far before `pieceChars` a cut is looked for first (then from the carry's start). */
const SEARCH = 1 << 16;

/**
 * Re-cuts long documents into pieces the text stage can process one at a time with the same tokens as
 * whole: pieces arriving from extract (cut anywhere, `piece` set) and whole documents longer than
 * `pieceChars` are held as one carry and cut at makeTextCutter's positions once `pieceChars` have
 * gathered, so at most about `pieceChars` + one extract piece of a document is held here, whatever its
 * size. Pieces keep the document's id; `piece.first`/`piece.last` mark its start and end. A spec whose
 * rules cannot be cut (d2l's) gets its documents whole. A document with no place to cut in
 * `maxCarry` characters (one 64 MB "word") fails naming it.
 */
export async function* recut(source: AsyncIterable<Doc>, spec: TextSpec, pieceChars: number, maxCarry = 64 * pieceChars): AsyncGenerator<Doc> {
  let cutter: ReturnType<typeof makeTextCutter> | null = null;
  let carry = '';
  let started = false;
  for await (const doc of source) {
    const piece = doc.piece ?? (doc.text.length > pieceChars ? { first: true, last: true } : undefined);
    if (!piece) {
      yield doc;
      continue;
    }
    if (piece.first) {
      carry = doc.text;
      started = false;
    } else {
      carry += doc.text;
    }
    cutter ??= makeTextCutter(spec);
    while (cutter && carry.length >= pieceChars) {
      // Pieces of about pieceChars: the first safe cut a little before it, else the first at all.
      let at = cutter(carry, Math.max(1, pieceChars - Math.min(SEARCH, pieceChars >> 2)));
      if (at < 0) at = cutter(carry, 1);
      if (at < 0) {
        if (carry.length > maxCarry) {
          throw new WordmillError('WM_ERR_TOKENIZE', `${doc.id}: no place to cut this document into pieces in ${carry.length} characters (a single run of that many characters without a plain space between words)`,
            { docId: doc.id });
        }
        break;
      }
      yield { ...doc, text: carry.slice(0, at), piece: { first: !started, last: false } };
      started = true;
      carry = carry.slice(at);
    }
    if (piece.last) {
      const out: Doc = { ...doc, text: carry };
      if (started) out.piece = { first: false, last: true };
      else delete out.piece;
      carry = '';
      yield out;
    }
  }
}
