import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WordmillError } from '../errors.js';
import type { PipelineSpec } from '../pipeline/spec.js';

/** A catalog spec as stored: sections the orchestrator has defaults for may be left out. */
export type CatalogEntry = Pick<PipelineSpec, 'name' | 'source'> & Partial<Omit<PipelineSpec, 'name' | 'source'>>;

/**
 * The `pipelines/` folder of the package: found by walking up from this compiled file
 * (`dist/src/extract/` → repo root), so it works from a checkout and from an installed package.
 */
export function catalogDir(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'pipelines'))) return path.join(dir, 'pipelines');
    if (path.dirname(dir) === dir) {
      throw new WordmillError('WM_ERR_SPEC', `cannot find the pipelines/ catalog above ${from}`, { path: from });
    }
  }
}

async function parse(file: string): Promise<CatalogEntry> {
  let spec: CatalogEntry;
  try {
    spec = JSON.parse(await readFile(file, 'utf8')) as CatalogEntry;
  } catch (e) {
    throw new WordmillError('WM_ERR_SPEC', `${file}: not valid JSON (${(e as Error).message})`, { path: file });
  }
  if (typeof spec?.name !== 'string' || typeof spec.source !== 'object' || spec.source === null) {
    throw new WordmillError('WM_ERR_SPEC', `${file}: a pipeline spec needs "name" and "source"`, { path: file });
  }
  return spec;
}

/** Every spec in the catalog, sorted by name. */
export async function listCatalog(dir: string = catalogDir()): Promise<CatalogEntry[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const specs = await Promise.all(names.map((n) => parse(path.join(dir, n))));
  return specs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One spec by its name (the `name` field, which matches the file name in this catalog). */
export async function loadCatalogSpec(name: string, dir: string = catalogDir()): Promise<CatalogEntry> {
  const specs = await listCatalog(dir);
  const spec = specs.find((s) => s.name === name);
  if (!spec) {
    throw new WordmillError('WM_ERR_SPEC', `no pipeline named "${name}" in the catalog (known: ${specs.map((s) => s.name).join(', ')})`, { path: dir });
  }
  return spec;
}
