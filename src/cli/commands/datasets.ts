import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { cacheRoot, DownloadCache, fetchConfig, isRemote, localPath, lookupCached, resolveUrl } from '../../download/index.js';
import { listCatalog, type CatalogEntry } from '../../extract/catalog.js';

export interface DatasetRow {
  name: string;
  description: string;
  /** Download size in bytes, when the spec records every file's size. */
  size?: number;
  /** `yes` when every file is in the download cache (or on disk), `embedded` when no download is needed. */
  cached: 'yes' | 'no' | 'partial' | 'embedded';
  homepage?: string;
}

async function cachedState(spec: CatalogEntry, cacheDir?: string): Promise<DatasetRow['cached']> {
  if (spec.source.kind !== 'files') return 'embedded';
  const cfg = fetchConfig('datasets', cacheDir ? { cacheDir } : {});
  const cache = new DownloadCache(cfg.cacheDir ?? cacheRoot());
  let have = 0;
  for (const f of spec.source.files) {
    const ok = isRemote(f.url)
      ? (await lookupCached(cache, await resolveUrl(f.url, cfg), f)) !== undefined
      : await stat(localPath(f.url)).then(() => true, () => false);
    if (ok) have++;
  }
  return have === spec.source.files.length ? 'yes' : have === 0 ? 'no' : 'partial';
}

/** The catalog with download sizes and cache state, for `wordmill datasets` (and scripts, via --json). */
export async function datasetRows(cacheDir?: string): Promise<DatasetRow[]> {
  const specs = await listCatalog();
  return Promise.all(specs.map(async (s) => {
    const files = s.source.kind === 'files' ? s.source.files : [];
    const sizes = files.map((f) => f.size);
    const size = s.source.kind === 'embedded' ? 0 : sizes.every((n) => n !== undefined) ? sizes.reduce((a, b) => a! + b!, 0) : undefined;
    return { name: s.name, description: s.description ?? '', size, cached: await cachedState(s, cacheDir), homepage: s.homepage };
  }));
}

function humanSize(n: number | undefined): string {
  if (n === undefined) return '?';
  if (n === 0) return '-';
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

function table(rows: DatasetRow[], width: number): string {
  const nameW = Math.max(4, ...rows.map((r) => r.name.length));
  const head = `${'NAME'.padEnd(nameW)}  ${'SIZE'.padStart(8)}  ${'CACHED'.padEnd(8)}  DESCRIPTION`;
  const room = Math.max(20, width - head.length + 'DESCRIPTION'.length);
  const lines = rows.map((r) => {
    const first = r.description.split(/(?<=[a-z0-9)]{2}\.)\s/)[0];
    const desc = first.length > room ? `${first.slice(0, room - 1)}…` : first;
    return `${r.name.padEnd(nameW)}  ${humanSize(r.size).padStart(8)}  ${r.cached.padEnd(8)}  ${desc}`;
  });
  return [head, ...lines].join('\n');
}

export function register(program: Command): void {
  program
    .command('datasets')
    .description('list the corpus catalog: name, download size, whether it is cached, description')
    .option('--json', 'print the catalog as one JSON array')
    .option('--cache-dir <dir>', 'cache root (default: $WORDMILL_HOME, $XDG_CACHE_HOME/wordmill, ~/.cache/wordmill)')
    // The program's preAction hook applies --cache-dir (as $WORDMILL_HOME) for every command.
    .action(async (flags: { json?: boolean }) => {
      const rows = await datasetRows();
      process.stdout.write(flags.json ? `${JSON.stringify(rows)}\n` : `${table(rows, process.stdout.columns ?? 120)}\n`);
    });
}
