import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureDir, writeFileAtomic } from '../disk/write.js';
import { under } from '../paths.js';

/** `<root>/runs/<pipeline>/<timestamp>`; `<root>/runs/latest.json` names the newest run, for `generate` and `--resume`. */
export async function newRunDir(root: string, pipeline: string): Promise<string> {
  const dir = under(under(root, 'runs'), pipeline, new Date().toISOString().replace(/[:.]/g, '-'));
  await ensureDir(dir, 'cannot create the run directory');
  return dir;
}

export async function latestRun(root: string, pipeline?: string): Promise<string | undefined> {
  try {
    const latest = JSON.parse(await readFile(path.join(root, 'runs', 'latest.json'), 'utf8')) as Record<string, string>;
    return pipeline ? latest[pipeline] : latest['*'];
  } catch {
    return undefined;
  }
}

export async function recordLatest(root: string, pipeline: string, runDir: string): Promise<void> {
  const file = under(root, 'runs', 'latest.json');
  let latest: Record<string, string> = {};
  try {
    latest = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  } catch { /* first run */ }
  latest[pipeline] = runDir;
  latest['*'] = runDir;
  await writeFileAtomic(file, JSON.stringify(latest, null, 2), 'cannot record the latest run');
}
