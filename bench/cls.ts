/**
 * Classification batches on a real labelled store: throughput of the sortish stream and its padding
 * ratio per epoch (issue 11: ≥ 10M tokens/s, padding < 10% on SpamAssassin).
 *
 *   npm run bench -- cls [--store <dir>] [--epochs 3]
 *
 * Without --store, `node bin/wordmill.js prepare spam-assassin --json` finds (or builds) the store.
 * Tokens/s counts the ids of the batches made (padding included: what the trainer receives); each
 * case runs `--epochs` shuffled training epochs and one sorted validation pass, best epoch reported.
 * Anchor, in the same run: one uint16 → int32 `set()` of the split (the floor for fresh int32 rows).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SortishStream, type SortishOptions } from '../src/batch/index.js';
import { openStore } from '../src/store/index.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function storeDir(): string {
  const given = opt('--store');
  if (given) return given;
  const r = spawnSync(process.execPath, [path.join(root, 'bin/wordmill.js'), 'prepare', 'spam-assassin', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`wordmill prepare spam-assassin failed (exit ${r.status})`);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { store: string }).store;
}

const store = await openStore(storeDir());
const epochs = Number(opt('--epochs') ?? 3);
const train = store.split(store.has('train') ? 'train' : store.splits[0]);
const validName = store.splits.find((s) => s !== 'train' && store.split(s).labels);
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`store ${store.dir}: train ${train.nTokens.toLocaleString()} tokens in ${(train.docStarts.length - 1).toLocaleString()} docs; load ${load}`);

let anchor = Infinity;
for (let r = 0; r < 5; r++) {
  const t = process.hrtime.bigint();
  new Int32Array(train.nTokens).set(train.tokens);
  anchor = Math.min(anchor, Number(process.hrtime.bigint() - t) / 1e9);
}
const anchorRate = train.nTokens / anchor;
console.log(`anchor uint16→int32 set(): ${(anchorRate / 1e6).toFixed(0)} M tokens/s`);

const cases: SortishOptions[] = [
  { bs: 64, shuffle: true, seed: 42 },
  { bs: 64, shuffle: true, seed: 42, maxLen: 1440, truncate: 'tail' },
  { bs: 64, shuffle: true, seed: 42, maxLen: 1440, truncate: 'tail', pad: 'chunk', seqLen: 72 },
  { bs: 32, shuffle: true, seed: 42, maxLen: 3000, truncate: 'tail' },
  // The catalog entry's 2-core classifier configuration (pipelines/spam-assassin.json).
  { bs: 64, shuffle: true, seed: 42, maxLen: 256, truncate: 'tail', pad: 'chunk', seqLen: 72 },
];
for (const o of cases) {
  const s = new SortishStream(train, o);
  let best = Infinity;
  let ids = 0;
  let maxBatch = 0;
  const ratios: string[] = [];
  for (let e = 0; e < epochs; e++) {
    ratios.push((s.padding().ratio * 100).toFixed(2));
    const t = process.hrtime.bigint();
    let n = 0;
    for (const b of s) { n += b.x.length; if (b.x.length > maxBatch) maxBatch = b.x.length; }
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
    ids = n;
  }
  const valid = validName ? new SortishStream(store.split(validName), { ...o, shuffle: false }).padding() : undefined;
  console.log(`${JSON.stringify(o).padEnd(96)} ${(ids / best / 1e6).toFixed(0).padStart(5)} M ids/s (${(ids / best / anchorRate).toFixed(2)}× anchor), `
    + `padding per epoch ${ratios.join(' / ')} %${valid ? `, ${validName} (sorted) ${(valid.ratio * 100).toFixed(2)} %` : ''}, largest batch ${(maxBatch * 4 / 2 ** 20).toFixed(1)} MiB`);
}
