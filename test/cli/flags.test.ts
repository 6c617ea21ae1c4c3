import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describeNumber, listArg, numberArg } from '../../src/cli/flags.js';
import { main } from '../../src/cli/main.js';
import { WordmillError } from '../../src/errors.js';
import { posInt, positive, z } from '../../src/schema/index.js';
import { runCli } from '../util/cli.js';
import { withTmp } from '../util/tmp.js';

/** What each command needs besides the flag under test (required options, a target), all valid. */
const BASE: Record<string, string[]> = {
  run: [], prepare: [], train: [], classify: [], 'lr-find': [], tokenize: [], datasets: [],
  predict: ['--checkpoint', 'nowhere'],
  generate: ['--prompt', 'one two'],
  inspect: ['human-numbers'],
  'save-encoder': ['--checkpoint', 'nowhere', '--out', 'enc'],
  'export-hf': ['out'],
  worker: ['--cluster', 'redis://127.0.0.1:1'],
};

// Bad values by rule; `what` is a piece of the rule the message must state.
const POS_INT = { bad: ['abc', '1.5', '0', '-1'], what: 'a whole number >= 1' };
const NON_NEG_INT = { bad: ['x', '2.5', '-1'], what: 'a whole number >= 0' };
const POSITIVE = { bad: ['fast', '0', '-1e-3'], what: 'a number > 0' };
const WORKERS = { bad: ['0', '1.5', '257', 'two'], what: 'a whole number >= 1 and <= 256' };
const MS = { bad: ['99', '150.5'], what: 'a whole number >= 100' };
const BACKEND = { bad: ['gpu', 'webgpuu'], what: 'known backend; known: auto, tensorflow-gpu, webgpu, tensorflow, wasm, cpu' };
const URL_ = { bad: ['http://127.0.0.1:6379', 'localhost:6379', 'redis://'], what: 'expected redis://HOST:PORT or rediss://HOST:PORT' };

type Rule = { bad: string[]; what: string };
const TRAINING: Record<string, Rule> = { '--epochs': POS_INT, '--samples': NON_NEG_INT, '--backend': BACKEND, '--task': { bad: ['lmm'], what: 'known task; known: lm, classifier' } };

/** Every command's checked flags. */
const FLAGS: Record<string, Record<string, Rule>> = {
  run: { '--workers': WORKERS, ...TRAINING },
  train: { '-w': WORKERS, ...TRAINING },
  classify: { '--workers': WORKERS, ...TRAINING },
  prepare: { '--workers': WORKERS, '--cluster': URL_, '--shard-mb': POSITIVE, '--cluster-timeout': POSITIVE },
  predict: { '--bs': POS_INT, '--backend': BACKEND },
  generate: {
    '--words': POS_INT, '--temperature': POSITIVE, '--samples': POS_INT, '--top-k': POS_INT,
    '--beams': POS_INT, '--seed': NON_NEG_INT, '--backend': BACKEND,
  },
  'lr-find': {
    '--workers': WORKERS, '--start-lr': POSITIVE, '--end-lr': POSITIVE, '--num-it': POS_INT, '--backend': BACKEND,
    '--suggest': { bad: ['valley,fast', 'steep,steep', ','], what: 'valley, steep, minimum, slide' },
  },
  inspect: {
    '--workers': WORKERS, '--top': NON_NEG_INT, '--batches': NON_NEG_INT, '--bs': POS_INT, '--seq-len': POS_INT, '--trunc-at': POS_INT,
    '--kind': { bad: ['zz', 'sortsh'], what: 'known batch kind; known: lm, lm-random-bptt, bptt, d2l-random, d2l-sequential, sortish' },
  },
  tokenize: {
    '--workers': WORKERS,
    '--rules': { bad: ['fasta', 'lowercase,bogus'], what: 'is not a known rule' },
    '--tokenizer': { bad: ['klingon', 'spacy'], what: 'known tokenizer; known: spacy-en, whitespace, char, basic-english, subword, gpt2' },
  },
  worker: { '--workers': WORKERS, '--cluster': URL_, '--lock-ms': MS, '--stalled-ms': MS },
};

const LONG: Record<string, string> = { '-w': '--workers' };
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Case { args: string[]; flag: string; value: string; what: string }
const CASES: Case[] = Object.entries(FLAGS).flatMap(([cmd, flags]) => Object.entries(flags).flatMap(([flag, rule]) =>
  // `--flag=value`, so a value that starts with '-' is the flag's, as a person means it.
  rule.bad.map((value) => ({ args: [cmd, ...BASE[cmd], ...(flag in LONG ? [flag, value] : [`${flag}=${value}`])], flag: LONG[flag] ?? flag, value, what: rule.what }))));

/**
 * `main()` of the CLI in this process, stderr captured: the same program, parser and exit status as
 * the binary, without a process start (about a second each under load) per case.
 */
async function mainInProcess(args: string[]): Promise<{ status: number; stderr: string }> {
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  try {
    return { status: await main(['node', 'wordmill', ...args]), stderr };
  } finally {
    process.stderr.write = write;
  }
}

function checkRefusal(c: Case, r: { status: number | null; stderr: string }): void {
  const what = c.args.join(' ');
  assert.equal(r.status, 2, `${what}: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`^wordmill: ${escape(c.flag)}(\\[\\d+\\])?: [^\\n]+ \\[WM_ERR_OPTION\\]\\n$`), what);
  assert.ok(r.stderr.includes(c.what), `${what}: the rule and what is allowed: ${r.stderr}`);
  // A list names the item at fault.
  assert.ok(r.stderr.includes(c.value) || r.stderr.includes(`"${c.value.split(',').pop()}"`), `${what}: the value given: ${r.stderr}`);
}

/** An empty cache root and working directory for `fn`; both still empty afterwards. */
async function nothingWritten(fn: (home: string, cwd: string) => Promise<void>): Promise<void> {
  await withTmp(async (dir) => {
    const home = path.join(dir, 'home');
    const cwd = path.join(dir, 'cwd');
    await Promise.all([home, cwd].map((d) => mkdir(d)));
    await fn(home, cwd);
    assert.deepEqual(await readdir(home), [], 'nothing under the cache dir');
    assert.deepEqual(await readdir(cwd), [], 'nothing in the working directory');
  });
}

test(`every command × bad flag values (${CASES.length} cases): exit 2, one \`wordmill: --flag: … [WM_ERR_OPTION]\` line naming the rule, the value and what is allowed, nothing written`, async () => {
  assert.deepEqual(Object.keys(BASE).filter((c) => !(c in FLAGS)), ['datasets', 'save-encoder', 'export-hf'], 'every command with checked flags is in the table');
  await nothingWritten(async (home, cwd) => {
    const [was, wasHome] = [process.cwd(), process.env.WORDMILL_HOME];
    process.chdir(cwd);
    process.env.WORDMILL_HOME = home;
    try {
      for (const c of CASES) checkRefusal(c, await mainInProcess(c.args));
    } finally {
      process.chdir(was);
      if (wasHome === undefined) delete process.env.WORDMILL_HOME;
      else process.env.WORDMILL_HOME = wasHome;
    }
  });
});

test('the binary itself, one bad flag per command: exit 2, the one line on stderr, nothing on stdout or disk', async () => {
  // A different flag of each command's list, so the binary sees several kinds of rule.
  const one = Object.keys(FLAGS).map((cmd, k) => {
    const mine = CASES.filter((c) => c.args[0] === cmd);
    return mine[(k * 5) % mine.length];
  });
  await nothingWritten(async (home, cwd) => {
    await Promise.all(one.map(async (c) => {
      const r = await runCli(c.args, { WORDMILL_HOME: home }, { cwd });
      assert.equal(r.stdout, '', c.args.join(' '));
      checkRefusal(c, r);
    }));
  });
});

test('commands without checked values: a missing or extra argument is the same one-line usage error', async () => {
  // generate, predict, save-encoder and export-hf prepare nothing: a --set or --workers there would be ignored, so it is refused.
  for (const args of [['datasets', '--cache-dir'], ['datasets', 'extra'], ['save-encoder', '--checkpoint', 'x'], ['generate', '--prompt', 'x', '--set', 'train.epochs=2'], ['predict', '--checkpoint', 'x', '-w', '2'], ['save-encoder', '--checkpoint', 'x', '--out', 'y', '--offline'], ['export-hf', 'out', '--set', 'a=1']]) {
    const r = await runCli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^wordmill: [^\n]+ \[WM_ERR_OPTION\]\n$/, args.join(' '));
  }
});

test('good values still work: tokenize with a rule set, a rule list and a tokenizer; prepare then inspect with checked numbers', async () => {
  await withTmp(async (home) => {
    const input = '{"id":"a","text":"Hello  WORLD"}\n';
    const set = await runCli(['tokenize', '--rules', 'fastai', '--tokenizer', 'whitespace', '-w', '1', '-q'], {}, { input });
    assert.equal(set.status, 0, set.stderr);
    assert.deepEqual(JSON.parse(set.stdout).tokens, ['xxbos', 'xxmaj', 'hello', 'xxup', 'world']);
    const list = await runCli(['tokenize', '--rules=replaceAllCaps,lowercase', '--tokenizer=whitespace', '--workers=1', '-q'], {}, { input });
    assert.equal(list.status, 0, list.stderr);
    // The two rules and no others: all caps marked, no xxmaj (replaceMaj is fastai's, not in the list).
    const tokens = JSON.parse(list.stdout).tokens as string[];
    assert.ok(tokens.includes('xxup') && tokens.includes('hello') && !tokens.includes('xxmaj'), tokens.join(' '));
    const prep = await runCli(['prepare', 'human-numbers', '--workers', '1', '--json', '--quiet'], { WORDMILL_HOME: home });
    assert.equal(prep.status, 0, prep.stderr);
    const store = JSON.parse(prep.stdout.trim().split('\n').pop()!).store as string;
    const ins = await runCli(['inspect', store, '--kind', 'bptt', '--bs', '2', '--seq-len', '5', '--top', '3', '--batches', '1', '--no-zipf', '--json'], { WORDMILL_HOME: home });
    assert.equal(ins.status, 0, ins.stderr);
    const shown = JSON.parse(ins.stdout.trim().split('\n').pop()!) as { batches: { x: string[] }[] };
    assert.equal(shown.batches.length, 1);
  });
});

test('--help of every command shows its defaults', async () => {
  const want: Record<string, RegExp[]> = {
    generate: [/--words <n> tokens to generate \(default: 40\)/, /\(default: 0\.75\)/, /--backend <name>.*choices: "auto", "tensorflow-gpu", "webgpu"/],
    'lr-find': [/\(default: 1e-7\)/, /\(default: 10\)/, /steps of the sweep \(default: 100\)/, /slide \(default: valley\)/],
    inspect: [/\(default: 20\)/, /rows per shown batch \(default: 4\)/, /choices: "lm", "lm-random-bptt"/],
    predict: [/documents per batch \(default: 64\)/],
    tokenize: [/default: "none"/, /default: "spacy-en"/],
    worker: [/\(default: 30000\)/, /\(default: "wordmill"\)/],
    run: [/choices: "lm", "classifier"/, /\(default: "human-numbers"\)/],
    prepare: [/in MiB \(default 64\)/, /\(default 60\)/],
  };
  for (const cmd of [...Object.keys(FLAGS), 'datasets', 'save-encoder', 'export-hf']) {
    const r = await runCli([cmd, '--help']);
    assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
    // Commander wraps at 80 columns off a terminal: compare with the line breaks folded.
    const help = r.stdout.replace(/\s+/g, ' ');
    for (const re of want[cmd] ?? [/Usage: wordmill /]) assert.match(help, re, `${cmd} --help`);
  }
});

test('flag parsers: numbers as numbers, the message from the schema\'s own rule', () => {
  assert.equal(numberArg('--n', posInt)('12'), 12);
  assert.equal(numberArg('--lr', positive)('1e-3'), 1e-3);
  assert.equal(describeNumber(z.int().min(1).max(256)), 'a whole number >= 1 and <= 256');
  assert.equal(describeNumber(positive), 'a number > 0');
  assert.throws(() => numberArg('--n', posInt)(' '), (e: WordmillError) => e.code === 'WM_ERR_OPTION' && e.details.option === '--n' && e.message === '--n: must be a whole number >= 1 (got " ")');
  assert.deepEqual(listArg('--s', ['a', 'b', 'c'], 'letter')('c, a'), ['c', 'a']);
  assert.throws(() => listArg('--s', ['a', 'b'], 'letter')('a,d'), (e: WordmillError) => e.details.option === '--s' && /"d" is not a known letter; known: a, b/.test(e.message));
});
