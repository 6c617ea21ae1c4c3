import { readFile } from 'node:fs/promises';
import { WordmillError } from '../errors.js';
import { Vocab } from './vocab.js';

/**
 * Reads a vocabulary file: a JSON array of tokens, a JSON object `{ itos, counts? }` (our vocab.json),
 * or plain text with one token per line. Plain text cannot hold whitespace tokens such as `\n`
 * (spaCy emits them), so prefer JSON for vocabularies built by wordmill.
 */
export async function loadVocabFile(path: string): Promise<Vocab> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new WordmillError(code === 'ENOENT' ? 'WM_ERR_NOT_FOUND' : 'WM_ERR_VOCAB', `cannot read vocabulary file ${path}: ${(e as Error).message}`, { path }, { cause: e });
  }
  return parseVocab(text, path);
}

export function parseVocab(text: string, path = '<vocab>'): Vocab {
  const head = text.trimStart()[0];
  if (head === '[' || head === '{') {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new WordmillError('WM_ERR_VOCAB', `vocabulary file ${path} is not valid JSON: ${(e as Error).message}`, { path });
    }
    const itos = Array.isArray(data) ? data : (data as { itos?: unknown }).itos;
    if (!Array.isArray(itos) || itos.some((t) => typeof t !== 'string')) {
      throw new WordmillError('WM_ERR_VOCAB', `vocabulary file ${path} must be a JSON array of strings or an object with "itos": [strings]`, { path });
    }
    const counts = Array.isArray(data) ? undefined : (data as { counts?: unknown }).counts;
    if (counts !== undefined && (!Array.isArray(counts) || counts.length !== itos.length || counts.some((c) => typeof c !== 'number'))) {
      throw new WordmillError('WM_ERR_VOCAB', `vocabulary file ${path}: "counts" must be ${itos.length} numbers, one per entry of "itos"`, { path });
    }
    return new Vocab(itos as string[], counts as number[] | undefined);
  }
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const itos = lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (itos.length === 0) throw new WordmillError('WM_ERR_VOCAB', `vocabulary file ${path} is empty`, { path });
  return new Vocab(itos);
}
