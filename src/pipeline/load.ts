import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { WordmillError } from '../errors.js';
import { catalogDir, listCatalog } from '../extract/catalog.js';
import { toSafeName } from '../paths.js';
import { check } from '../schema/index.js';
import { show } from '../schema/messages.js';
import { labelledFolder, labelledTable } from './labelled.js';
import { pipelineSpecSchema, type PipelineSpec } from './spec.js';
import { fillFromHf } from './hf-init.js';

/** `pipelines/` at the package root. */
export const PIPELINES_DIR = catalogDir();
const DEFAULT_PIPELINE = 'human-numbers';

/** Catalog names: the specs in `pipelines/` (each named as its file, which the catalog tests check). */
export async function catalogNames(): Promise<string[]> {
  return (await listCatalog(PIPELINES_DIR)).map((s) => s.name);
}

/**
 * Resolves a pipeline argument (DESIGN §9): a catalog name, a spec file, or a URL / local path of a
 * corpus (whole files become training documents with fastai's defaults), then applies `--set`
 * overrides. The spec is validated as read (WM_ERR_SPEC, naming the file and key) and again with the
 * overrides (WM_ERR_OPTION, naming the `--set` key), all before any download or tokenizing starts;
 * every section's defaults come from its stage's schema.
 */
export async function loadPipeline(arg: string | undefined, overrides: string[] = []): Promise<PipelineSpec> {
  const given = arg ?? DEFAULT_PIPELINE;
  const { raw, label } = await readRaw(given);
  if (!isRecord(raw)) throw new WordmillError('WM_ERR_SPEC', `${label}: a pipeline spec must be a JSON object (got ${show(raw)})`, { path: given });
  if (raw.name === undefined) raw.name = toSafeName(path.basename(given).replace(/\.json$/, ''));
  // As written, before train.init's config.json fills the model section.
  const pristine = structuredClone(raw);
  await fillFromHf(raw, label, 'WM_ERR_SPEC');
  const spec = check(pipelineSpecSchema, raw, label, 'WM_ERR_SPEC');
  if (overrides.length === 0) return spec;
  const edited = structuredClone(pristine);
  for (const o of overrides) applyOverride(edited, o);
  freshModelOnArchSwitch(pristine, edited, overrides);
  await fillFromHf(edited, '--set', 'WM_ERR_OPTION');
  return check(pipelineSpecSchema, edited, '--set', 'WM_ERR_OPTION', ' ');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The spec as JSON, and how errors name it: `pipeline brown` or `spec file ./x.json`. */
async function readRaw(arg: string): Promise<{ raw: unknown; label: string }> {
  if (/^[a-z0-9][a-z0-9.-]*$/i.test(arg) && !arg.endsWith('.json')) {
    const raw = await readJson(path.join(PIPELINES_DIR, `${arg}.json`), { missing: 'skip' });
    if (raw !== undefined) return { raw, label: `pipeline ${arg}` };
  }
  if (arg.endsWith('.json')) return { raw: await readJson(arg), label: `spec file ${arg}` };
  const isUrl = /^(https?|file|npm):/.test(arg);
  const st = isUrl ? undefined : await stat(arg).catch(() => undefined);
  const isPath = st !== undefined;
  if (!isUrl && !isPath) {
    const names = await catalogNames();
    throw new WordmillError('WM_ERR_SPEC', `"${arg}" is neither a catalog name (${names.join(', ')}), a spec file, a URL nor an existing path`, { path: arg });
  }
  const base = path.basename(isUrl ? arg.replace(/[?#].*$/, '').replace(/\/+$/, '') : path.resolve(arg));
  const name = toSafeName(base.replace(/\.(tar\.gz|tgz|tar\.bz2|tbz2?|zip|gz|bz2|txt|tar|csv|tsv|jsonl|ndjson)$/i, ''));
  const url = isPath ? path.resolve(arg) : arg;
  const label = `corpus ${arg}`;
  // A labelled folder (train/<label>/…) or table (CSV/TSV/JSONL) is a classification corpus as it is.
  const labelled = st?.isDirectory() ? await labelledFolder(arg) : labelledTable(arg.replace(/[?#].*$/, ''));
  if (labelled) return { raw: { name, source: { kind: 'files', files: [{ url }], members: labelled.members }, splits: labelled.splits }, label };
  const raw = {
    name,
    source: { kind: 'files', files: [{ url }], members: [{ glob: '**', split: 'train', docs: 'file' }] },
    splits: { train: 'train' },
  };
  return { raw, label };
}

const family = (arch: unknown): string => (arch === 'gpt' ? 'transformer' : 'recurrent');

/**
 * `--set model.arch=gpt` on a spec whose model section is an LSTM's (wikitext-2, human-numbers):
 * the file's hidden sizes, ties and AR/TAR are the recurrent model's and mean nothing to a GPT
 * (the schema refuses them), so an arch that switches family starts the section afresh: only the
 * `--set model.*` keys apply, the new arch's defaults fill the rest.
 */
function freshModelOnArchSwitch(raw: Record<string, unknown>, edited: Record<string, unknown>, overrides: string[]): void {
  const before = isRecord(raw.model) ? raw.model : {};
  const after = edited.model;
  if (!isRecord(after) || !isRecord(raw.model) || family(before.arch) === family(after.arch)) return;
  const set = new Set(overrides.map((o) => o.slice(0, Math.max(0, o.indexOf('='))).split('.')).filter((k) => k[0] === 'model' && k.length >= 2).map((k) => k[1]));
  edited.model = Object.fromEntries(Object.entries(after).filter(([k]) => set.has(k)));
}

/** The spec file's JSON; with `missing: 'skip'`, undefined when there is no such file (not a catalog name). */
async function readJson(file: string): Promise<unknown>;
async function readJson(file: string, opts: { missing: 'skip' }): Promise<unknown>;
async function readJson(file: string, opts?: { missing: 'skip' }): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (opts?.missing === 'skip' && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WordmillError('WM_ERR_NOT_FOUND', `pipeline spec ${file} cannot be read: ${(err as Error).message}`, { path: file });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new WordmillError('WM_ERR_SPEC', `pipeline spec ${file} is not valid JSON: ${(err as Error).message.replace(/\s+/g, ' ')}`, { path: file });
  }
}

/** A key path segment: never `__proto__` and friends, which would write into Object.prototype. */
const KEY = /^[A-Za-z0-9_-]+$/;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** `vocab.minFreq=1`, `train.betas=[0.8,0.99]`, `text.tokenizer=whitespace`: values are JSON when they parse. */
function applyOverride(raw: Record<string, unknown>, assignment: string): void {
  const eq = assignment.indexOf('=');
  const keys = eq < 1 ? [] : assignment.slice(0, eq).split('.');
  if (keys.length === 0 || keys.some((k) => !KEY.test(k) || FORBIDDEN.has(k))) {
    throw new WordmillError('WM_ERR_OPTION', `--set ${assignment}: expected section.key=value, e.g. --set vocab.minFreq=1`, { option: 'set' });
  }
  const text = assignment.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  let node = raw;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}
