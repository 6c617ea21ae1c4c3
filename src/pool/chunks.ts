import type { Piece } from '../text/processor.js';
import type { Doc } from '../types.js';

/** A document's identity without its text, kept on the main thread while its chunk is out. */
export interface DocHeader {
  id: string;
  split: string;
  label?: string;
  chars: number;
  /** This is a piece of a document that continues in the next header (maybe in the next chunk). */
  more?: boolean;
}

/** Groups documents into chunks of roughly `targetChars` characters (one oversized document is a chunk of its own). */
export class ChunkBuilder {
  headers: DocHeader[] = [];
  texts: string[] = [];
  /** Per document: its piece position, or null for a whole document (sent only when some are pieces). */
  pieces: (Piece | null)[] = [];
  chars = 0;
  constructor(private readonly targetChars: number, private readonly maxDocs: number) {}

  add(doc: Doc): void {
    const h: DocHeader = { id: doc.id, split: doc.split, label: doc.label, chars: doc.text.length };
    if (doc.piece && !doc.piece.last) h.more = true;
    this.headers.push(h);
    this.texts.push(doc.text);
    this.pieces.push(doc.piece ?? null);
    this.chars += doc.text.length;
  }

  get full(): boolean {
    return this.chars >= this.targetChars || this.headers.length >= this.maxDocs;
  }

  get empty(): boolean {
    return this.headers.length === 0;
  }

  /** Hands the current chunk over and starts a new one. */
  take(): { headers: DocHeader[]; texts: string[]; pieces?: (Piece | null)[]; chars: number } {
    const out = { headers: this.headers, texts: this.texts, pieces: this.pieces.some((p) => p) ? this.pieces : undefined, chars: this.chars };
    this.headers = [];
    this.texts = [];
    this.pieces = [];
    this.chars = 0;
    return out;
  }
}

/** Names the documents of a chunk in an error message without listing thousands of ids. */
export function nameDocs(headers: DocHeader[], max = 3): string {
  const shown = headers.slice(0, max).map((h) => h.id).join(', ');
  return headers.length > max ? `${shown} and ${headers.length - max} more` : shown;
}
