/**
 * `npm run bench -- <name> [args…]` runs `bench/<name>.ts` (compiled). With no name, lists them.
 * Benchmarks print their figures; the ones recorded in BENCHMARKS.md name the exact command.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const names = (await readdir(here)).filter((f) => f.endsWith('.js') && f !== 'run.js').map((f) => f.slice(0, -3)).sort();
const name = process.argv[2];
if (!name || !names.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name> [args]\nbenchmarks: ${names.join(', ')}\n`);
  process.exit(name ? 2 : 0);
}
process.argv.splice(2, 1);
await import(pathToFileURL(path.join(here, `${name}.js`)).href);
