import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ensureDir } from '../disk/write.js';
import { under } from '../paths.js';
import { checkpointFile, verifyCheckpoint } from '../train/checkpoint.js';

/**
 * Runs live in `<root>/runs/<pipeline>/<timestamp>`. The latest run (for `generate` and `--resume`)
 * is found by scanning for the newest one whose checkpoint reads and verifies, not kept in a pointer:
 * a pointer written when a run starts goes stale as soon as that run is interrupted or fails
 * before its first checkpoint.
 */
export async function newRunDir(root: string, pipeline: string): Promise<string> {
  const dir = under(under(root, 'runs'), pipeline, new Date().toISOString().replace(/[:.]/g, '-'));
  await ensureDir(dir, 'cannot create the run directory');
  return dir;
}

/** A classifier run checkpoints each phase in its own folder. */
const PHASE = /^(lm|stage-\d+)$/;

/** The checkpoints a run may hold: an LM run's own, then (unless `lmOnly`) a classifier run's phases'. */
async function checkpointsOf(dir: string, lmOnly: boolean): Promise<string[]> {
  const files = [checkpointFile(dir)];
  if (!lmOnly) {
    const phases = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of phases) if (e.isDirectory() && PHASE.test(e.name)) files.push(checkpointFile(path.join(dir, e.name)));
  }
  return files;
}

async function anyVerifies(files: string[]): Promise<boolean> {
  for (const f of files) if (await verifyCheckpoint(f).then(() => true, () => false)) return true;
  return false;
}

/**
 * The newest run (of `pipeline`, or of any pipeline) holding a checkpoint that reads and verifies;
 * with `lmOnly`, one whose own `last.wmckpt` does (what `generate` can sample from).
 */
export async function latestRun(root: string, pipeline?: string, opts: { lmOnly?: boolean } = {}): Promise<string | undefined> {
  const runs = path.join(root, 'runs');
  const pipelines = pipeline !== undefined ? [pipeline] : await names(runs);
  const dirs: { name: string; dir: string }[] = [];
  for (const p of pipelines) for (const name of await names(path.join(runs, p))) dirs.push({ name, dir: path.join(runs, p, name) });
  // Run names are ISO timestamps: their order is their age, whatever the pipeline.
  dirs.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  for (const { dir } of dirs) if (await anyVerifies(await checkpointsOf(dir, opts.lmOnly ?? false))) return dir;
  return undefined;
}

/** A new run that failed or was interrupted before any checkpoint: removed, so nothing mistakes it for a run. */
export async function dropRunWithoutCheckpoint(dir: string): Promise<void> {
  if (await anyVerifies(await checkpointsOf(dir, false))) return;
  await rm(dir, { recursive: true, force: true }).catch(() => {});
}

async function names(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}
