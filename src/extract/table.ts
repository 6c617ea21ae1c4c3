import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { WordmillError } from '../errors.js';
import type { Column, MemberRule } from '../pipeline/spec.js';
import { Utf8Text } from './decode.js';

/** One row of a table member: its text, its label (when the rule reads one) and its line, for errors. */
export interface Row {
  text: string;
  label?: string;
  valid?: boolean;
  line: number;
}

/**
 * Longest record a CSV/TSV row may be, in characters: one document is one field, and a V8 string
 * stops at ~512 MiB; a runaway quote otherwise swallows the rest of the file into one record.
 */
const MAX_RECORD = 256 << 20;

export const isTable = (rule: MemberRule): boolean => rule.docs === 'csv' || rule.docs === 'tsv' || rule.docs === 'jsonl';

const bad = (path: string, line: number, why: string) => new WordmillError('WM_ERR_INPUT', `${path}:${line}: ${why}`, { path, line });

/** Decoded text of a member, piece by piece (UTF-8, BOM dropped, CRLF as given to Utf8Text). */
async function* decoded(body: Readable, text: Utf8Text): AsyncGenerator<string> {
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const t = text.write(chunk);
    if (t) yield t;
  }
  const t = text.end();
  if (t) yield t;
}

/** Column name or position → position, against the header (when there is one). */
function columnIndex(col: Column, header: string[] | undefined, what: string, path: string): number {
  if (typeof col === 'number') {
    if (header && col >= header.length) throw bad(path, 1, `${what} column ${col} is past the header's ${header.length} columns`);
    return col;
  }
  const i = header?.indexOf(col) ?? -1;
  if (i < 0) {
    throw new WordmillError('WM_ERR_SPEC', `${path}: no ${what} column "${col}" (the header has ${JSON.stringify(header ?? [])}); set source.members[…].${what}.column`, { path, option: `${what}.column` });
  }
  return i;
}

const TRUE = new Set(['true', 'True', 'TRUE', '1', 'yes']);

/** A cell of the valid column (fastai's `valid_col`: a boolean column) as a boolean. */
const truthy = (v: unknown): boolean => v === true || v === 1 || (typeof v === 'string' && TRUE.has(v.trim()));

/**
 * CSV or TSV rows, streamed through csv-parse (quoted multi-line fields, RFC 4180 quotes, bounded
 * record size). The first record is the header unless `header: false`, when columns are positions.
 */
async function* delimitedRows(body: Readable, rule: MemberRule, path: string, text: Utf8Text): AsyncGenerator<Row> {
  const parser = parse({ delimiter: rule.docs === 'tsv' ? '\t' : ',', bom: true, info: true, skip_empty_lines: true, max_record_size: MAX_RECORD });
  const src = Readable.from(decoded(body, text));
  src.on('error', (e) => parser.destroy(e));
  src.pipe(parser);
  const hasHeader = rule.header !== false;
  let header: string[] | undefined;
  let textAt = -1;
  let labelAt = -1;
  let validAt = -1;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (hasHeader && !header) {
        header = record;
      }
      if (textAt < 0) {
        textAt = columnIndex(rule.text?.column ?? (hasHeader ? 'text' : 0), header, 'text', path);
        if (typeof rule.label === 'object') labelAt = columnIndex(rule.label.column, header, 'label', path);
        if (rule.valid?.column !== undefined) validAt = columnIndex(rule.valid.column, header, 'valid', path);
        if (hasHeader) continue;
      }
      const line = info.lines;
      const cell = (i: number, what: string) => {
        if (i >= record.length) throw bad(path, line, `the row has ${record.length} fields, no ${what} column (${i + 1} needed)`);
        return record[i];
      };
      const row: Row = { text: cell(textAt, 'text'), line };
      if (labelAt >= 0) {
        row.label = cell(labelAt, 'label');
        if (row.label === '') throw bad(path, line, 'empty label');
      }
      if (validAt >= 0) row.valid = truthy(cell(validAt, 'valid'));
      yield row;
    }
  } catch (e) {
    if (e instanceof WordmillError) throw e;
    const err = e as Error & { lines?: number; code?: string };
    throw bad(path, err.lines ?? 0, `not valid ${rule.docs === 'tsv' ? 'TSV' : 'CSV'}: ${err.message.replace(/^Invalid Record Length: |^Invalid Opening Quote: /, '')}`);
  } finally {
    src.destroy();
    parser.destroy();
  }
}

/** JSON Lines (Hugging Face datasets' export): one object per non-empty line, keys by name. */
async function* jsonlRows(body: Readable, rule: MemberRule, path: string, text: Utf8Text): AsyncGenerator<Row> {
  const textKey = rule.text?.column ?? 'text';
  const labelKey = typeof rule.label === 'object' ? rule.label.column : undefined;
  const validKey = rule.valid?.column;
  if (typeof textKey === 'number' || typeof labelKey === 'number' || typeof validKey === 'number') {
    throw new WordmillError('WM_ERR_SPEC', `${path}: JSON Lines columns are keys, not positions`, { path, option: 'text.column' });
  }
  // A line's pieces until its newline comes: a long document arrives in many pieces, and joining as
  // they come would copy it once per piece.
  let parts: string[] = [];
  let line = 0;
  const parseLine = (s: string): Row | undefined => {
    line++;
    if (!s.trim()) return undefined;
    let o: unknown;
    try {
      o = JSON.parse(s);
    } catch (e) {
      throw bad(path, line, `not valid JSON: ${(e as Error).message}`);
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad(path, line, 'expected a JSON object');
    const rec = o as Record<string, unknown>;
    const t = rec[textKey];
    if (typeof t !== 'string') throw bad(path, line, `no string "${textKey}" (keys: ${Object.keys(rec).join(', ')})`);
    const row: Row = { text: t, line };
    if (labelKey !== undefined) {
      const l = rec[labelKey];
      if (typeof l !== 'string' && typeof l !== 'number' && typeof l !== 'boolean') throw bad(path, line, `label "${labelKey}" must be a string, number or boolean (got ${JSON.stringify(l) ?? 'nothing'})`);
      row.label = String(l);
      if (row.label === '') throw bad(path, line, 'empty label');
    }
    if (validKey !== undefined) row.valid = truthy(rec[validKey]);
    return row;
  };
  for await (const piece of decoded(body, text)) {
    let start = 0;
    for (let nl = piece.indexOf('\n'); nl !== -1; nl = piece.indexOf('\n', start)) {
      parts.push(piece.slice(start, nl));
      const r = parseLine(parts.join(''));
      parts = [];
      if (r) yield r;
      start = nl + 1;
    }
    if (start < piece.length) parts.push(piece.slice(start));
  }
  const r = parseLine(parts.join(''));
  if (r) yield r;
}

/** Rows of a `csv`, `tsv` or `jsonl` member. */
export function tableRows(body: Readable, rule: MemberRule, path: string, text: Utf8Text): AsyncGenerator<Row> {
  return rule.docs === 'jsonl' ? jsonlRows(body, rule, path, text) : delimitedRows(body, rule, path, text);
}
