import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { WordmillError } from '../errors.js';
import { catalogDir, listCatalog } from '../extract/catalog.js';
import { checkRules } from '../extract/select.js';
import { labelledFolder, labelledTable } from './labelled.js';
import { DEFAULT_BATCH, DEFAULT_MODEL, DEFAULT_TEXT, DEFAULT_TRAIN, DEFAULT_VOCAB } from './defaults.js';
import type { PipelineSpec } from './spec.js';
import { resolveRecipe } from '../train/recipe.js';

/** `pipelines/` at the package root. */
export const PIPELINES_DIR = catalogDir();
const DEFAULT_PIPELINE = 'human-numbers';

const SECTIONS = ['name', 'description', 'homepage', 'source', 'splits', 'text', 'vocab', 'batch', 'model', 'train', 'classifier'];

/** Catalog names: the specs in `pipelines/` (each named as its file, which the catalog tests check). */
export async function catalogNames(): Promise<string[]> {
  return (await listCatalog(PIPELINES_DIR)).map((s) => s.name);
}

/**
 * Resolves a pipeline argument (DESIGN §9): a catalog name, a spec file, or a URL / local path of a
 * corpus (whole files become training documents with fastai's defaults), then applies `--set`
 * overrides and fills every section's defaults.
 */
export async function loadPipeline(arg: string | undefined, overrides: string[] = []): Promise<PipelineSpec> {
  const raw = await readRaw(arg ?? DEFAULT_PIPELINE);
  for (const key of Object.keys(raw)) {
    if (!SECTIONS.includes(key)) {
      throw new WordmillError('WM_ERR_SPEC', `pipeline ${arg}: unknown section "${key}" (known: ${SECTIONS.join(', ')})`, { option: key });
    }
  }
  for (const o of overrides) applyOverride(raw, o);
  if (!raw.source) throw new WordmillError('WM_ERR_SPEC', `pipeline ${arg}: no "source"`);
  // Member rules (labels, columns, valid split) are checked now, before anything is downloaded.
  const source = raw.source as PipelineSpec['source'];
  if (source.kind === 'files') checkRules(source.members);
  return {
    name: String(raw.name ?? arg),
    description: raw.description as string | undefined,
    homepage: raw.homepage as string | undefined,
    source: raw.source as PipelineSpec['source'],
    splits: { train: 'train', valid: 'valid', ...(raw.splits as object) },
    text: { ...DEFAULT_TEXT, ...(raw.text as object) },
    vocab: { ...DEFAULT_VOCAB, ...(raw.vocab as object) },
    batch: { ...DEFAULT_BATCH, ...(raw.batch as object) },
    model: { ...DEFAULT_MODEL, ...(raw.model as object) },
    train: { ...DEFAULT_TRAIN, ...(raw.train as object) },
    // Validated here, at the boundary, so a bad stage fails before anything is downloaded.
    ...(raw.classifier !== undefined ? { classifier: (resolveRecipe(raw.classifier as object), raw.classifier as PipelineSpec['classifier']) } : {}),
  };
}

async function readRaw(arg: string): Promise<Record<string, unknown>> {
  if (/^[a-z0-9][a-z0-9.-]*$/i.test(arg) && !arg.endsWith('.json')) {
    const spec = await readJson(path.join(PIPELINES_DIR, `${arg}.json`), { missing: 'skip' });
    if (spec) return spec;
  }
  if (arg.endsWith('.json')) return readJson(arg);
  const isUrl = /^(https?|file|npm):/.test(arg);
  const st = isUrl ? undefined : await stat(arg).catch(() => undefined);
  const isPath = st !== undefined;
  if (!isUrl && !isPath) {
    const names = await catalogNames();
    throw new WordmillError('WM_ERR_SPEC', `"${arg}" is neither a catalog name (${names.join(', ')}), a spec file, a URL nor an existing path`, { path: arg });
  }
  const name = path.basename(arg).replace(/\.(tar\.gz|tgz|zip|gz|txt|tar|csv|tsv|jsonl|ndjson)$/, '');
  const url = isPath ? path.resolve(arg) : arg;
  // A labelled folder (train/<label>/…) or table (CSV/TSV/JSONL) is a classification corpus as it is.
  const labelled = st?.isDirectory() ? await labelledFolder(arg) : labelledTable(arg.replace(/[?#].*$/, ''));
  if (labelled) return { name, source: { kind: 'files', files: [{ url }], members: labelled.members }, splits: labelled.splits };
  return {
    name,
    source: { kind: 'files', files: [{ url }], members: [{ glob: '**', split: 'train', docs: 'file' }] },
    splits: { train: 'train' },
  };
}

/** The spec file's JSON; with `missing: 'skip'`, undefined when there is no such file (not a catalog name). */
async function readJson(file: string): Promise<Record<string, unknown>>;
async function readJson(file: string, opts: { missing: 'skip' }): Promise<Record<string, unknown> | undefined>;
async function readJson(file: string, opts?: { missing: 'skip' }): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (opts?.missing === 'skip' && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WordmillError('WM_ERR_NOT_FOUND', `pipeline spec ${file} cannot be read: ${(err as Error).message}`, { path: file });
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new WordmillError('WM_ERR_SPEC', `pipeline spec ${file} is not valid JSON: ${(err as Error).message}`, { path: file });
  }
}

/** `vocab.minFreq=1`, `train.betas=[0.8,0.99]`, `text.tokenizer=whitespace`: values are JSON when they parse. */
function applyOverride(raw: Record<string, unknown>, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq < 1) throw new WordmillError('WM_ERR_OPTION', `--set ${assignment}: expected key.path=value`, { option: 'set' });
  const keys = assignment.slice(0, eq).split('.');
  const text = assignment.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  if (!SECTIONS.includes(keys[0])) {
    throw new WordmillError('WM_ERR_OPTION', `--set ${assignment}: unknown section "${keys[0]}"`, { option: 'set' });
  }
  let node = raw;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}
