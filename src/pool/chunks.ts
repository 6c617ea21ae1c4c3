import type { Doc } from '../types.js';

/** A document's identity without its text, kept on the main thread while its chunk is out. */
export interface DocHeader {
  id: string;
  split: string;
  label?: string;
  chars: number;
}

/** Groups documents into chunks of roughly `targetChars` characters (one oversized document is a chunk of its own). */
export class ChunkBuilder {
  headers: DocHeader[] = [];
  texts: string[] = [];
  chars = 0;
  constructor(private readonly targetChars: number, private readonly maxDocs: number) {}

  add(doc: Doc): void {
    this.headers.push({ id: doc.id, split: doc.split, label: doc.label, chars: doc.text.length });
    this.texts.push(doc.text);
    this.chars += doc.text.length;
  }

  get full(): boolean {
    return this.chars >= this.targetChars || this.headers.length >= this.maxDocs;
  }

  get empty(): boolean {
    return this.headers.length === 0;
  }

  /** Hands the current chunk over and starts a new one. */
  take(): { headers: DocHeader[]; texts: string[]; chars: number } {
    const out = { headers: this.headers, texts: this.texts, chars: this.chars };
    this.headers = [];
    this.texts = [];
    this.chars = 0;
    return out;
  }
}

/** Names the documents of a chunk in an error message without listing thousands of ids. */
export function nameDocs(headers: DocHeader[], max = 3): string {
  const shown = headers.slice(0, max).map((h) => h.id).join(', ');
  return headers.length > max ? `${shown} and ${headers.length - max} more` : shown;
}
