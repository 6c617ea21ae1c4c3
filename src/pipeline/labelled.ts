import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_VALID_PCT, DEFAULT_VALID_SEED } from '../extract/valid.js';
import type { DocMode, MemberRule, PipelineSpec } from './spec.js';

/** Folder names fastai's `from_folder` takes for validation (`valid` by default; IMDB calls it `test`). */
const VALID_DIRS = ['valid', 'test'];
/** Unlabelled text for language-model fine-tuning (IMDB's `train/unsup`, or `unsup/` beside `train/`). */
const UNSUP = 'unsup';

const TABLE_EXT: Record<string, DocMode> = { '.csv': 'csv', '.tsv': 'tsv', '.jsonl': 'jsonl', '.ndjson': 'jsonl' };

async function subdirs(dir: string): Promise<string[]> {
  try {
    const es = await readdir(dir, { withFileTypes: true });
    return es.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

const glob = (...parts: string[]) => parts.map((p) => p.replace(/[\\*?[\]{}()!+@]/g, '\\$&')).join('/');

/**
 * A folder laid out as fastai's `TextDataLoaders.from_folder` / IMDB expects: `train/<label>/*.txt`,
 * optionally `valid/<label>/` or `test/<label>/` (the first one present is the validation split,
 * under its own name), optionally `unsup/` or `train/unsup/` (unlabelled, split `unsup`). The label
 * is the parent folder's name (fastai's `parent_label`), `.txt` files only (fastai's
 * `get_text_files`), one document per file. Without a validation folder, `valid` is a seeded
 * `valid_pct` share of train (fastai's default 0.2). Undefined when `dir` has no such layout.
 */
export async function labelledFolder(dir: string): Promise<Pick<PipelineSpec, 'splits'> & { members: MemberRule[] } | undefined> {
  const labels = (await subdirs(path.join(dir, 'train'))).filter((l) => l !== UNSUP);
  if (labels.length === 0) return undefined;
  const validDir = (await Promise.all(VALID_DIRS.map(async (v) => ((await subdirs(path.join(dir, v))).length ? v : undefined)))).find(Boolean);
  const members: MemberRule[] = [];
  const valid = validDir ? undefined : { pct: DEFAULT_VALID_PCT, seed: DEFAULT_VALID_SEED };
  for (const l of labels) members.push({ glob: `${glob('train', l)}/**/*.txt`, split: 'train', label: l, docs: 'file', ...(valid && { valid }) });
  if (validDir) {
    for (const l of (await subdirs(path.join(dir, validDir))).filter((x) => x !== UNSUP)) {
      members.push({ glob: `${glob(validDir, l)}/**/*.txt`, split: validDir, label: l, docs: 'file' });
    }
  }
  for (const u of [glob('train', UNSUP), UNSUP]) members.push({ glob: `${u}/**/*.txt`, split: UNSUP, docs: 'file' });
  return { members, splits: { train: 'train', valid: validDir ?? 'valid' } };
}

/**
 * A CSV, TSV or JSON Lines file as a labelled corpus: text from column `text`, label from column
 * `label` (override with `--set source.members.0.text.column=…` / `…label.column=…`), a seeded
 * `valid_pct` share (0.2) as `valid` unless `valid.column` names fastai's `valid_col`.
 */
export function labelledTable(file: string): { members: MemberRule[]; splits: PipelineSpec['splits'] } | undefined {
  const docs = TABLE_EXT[path.extname(file).toLowerCase()];
  if (!docs) return undefined;
  return {
    members: [{ glob: '**', split: 'train', docs, text: { column: 'text' }, label: { column: 'label' }, valid: { pct: DEFAULT_VALID_PCT, seed: DEFAULT_VALID_SEED } }],
    splits: { train: 'train', valid: 'valid' },
  };
}
