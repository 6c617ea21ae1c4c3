import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/wordmill.js', import.meta.url));

const TF_WATCH = fileURLToPath(new URL('../util/tf-watch.js', import.meta.url));

interface Ran { status: number | null; stdout: string; stderr: string; pid?: number }

function wordmill(args: string[], env: Record<string, string>, input?: string, nodeArgs: string[] = []): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, pid: child.pid }));
    child.stdin.end(input ?? '');
  });
}

const lastJson = (stdout: string): Record<string, any> => JSON.parse(stdout.trim().split('\n').pop()!);

async function withHome(fn: (env: Record<string, string>) => Promise<void>): Promise<void> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'wordmill-e2e-'));
  try {
    await fn({ WORDMILL_HOME: home });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

test('prepare on the embedded corpus: the JSON contract, then a cached second run', async () => {
  await withHome(async (env) => {
    const first = await wordmill(['prepare', '--json', '--no-progress'], env);
    assert.equal(first.status, 0, first.stderr);
    const r = lastJson(first.stdout);
    for (const key of ['pipeline', 'store', 'cached', 'seconds', 'docs', 'tokens', 'vocabSize']) assert.ok(key in r, `missing ${key}`);
    assert.equal(r.pipeline, 'human-numbers');
    assert.equal(r.cached, false);
    assert.equal(r.vocabSize, 30, '29 number words and "."');
    assert.equal(r.docs, 2);
    // 1..7999 and 8001..9999 in words, joined with ' . ': counted independently here.
    assert.ok(r.tokens.train > 40_000 && r.tokens.valid > 10_000, JSON.stringify(r.tokens));
    await stat(path.join(r.store, 'meta.json'));
    const second = await wordmill(['prepare', '--json', '--quiet'], env);
    assert.equal(second.status, 0, second.stderr);
    const r2 = lastJson(second.stdout);
    assert.equal(r2.cached, true);
    assert.equal(r2.store, r.store);
    assert.deepEqual(r2.tokens, r.tokens);
    const changed = await wordmill(['prepare', '--json', '--quiet', '--set', 'vocab.order=count'], env);
    assert.equal(changed.status, 0, changed.stderr);
    assert.notEqual(lastJson(changed.stdout).store, r.store, 'a changed option makes a new store');
  });
});

test('a short run trains in the trainer process and its loss falls; only the trainer loads TensorFlow.js', async () => {
  await withHome(async (env) => {
    const watch = path.join(env.WORDMILL_HOME, 'tf-modules.log');
    const ran = await wordmill(['run', '--json', '--no-progress', '--epochs', '2', '--samples', '1'], { ...env, WORDMILL_TF_WATCH: watch }, undefined, ['--import', TF_WATCH]);
    assert.equal(ran.status, 0, ran.stderr);
    const loads = (await readFile(watch, 'utf8')).trim().split('\n').map((l) => l.split(' '));
    assert.ok(loads.some(([pid]) => Number(pid) !== ran.pid), 'the trainer process loads @tensorflow/tfjs (the watch works)');
    assert.deepEqual(loads.filter(([pid]) => Number(pid) === ran.pid).map(([, url]) => url), [], 'the parent process loads no @tensorflow module');
    const r = lastJson(ran.stdout);
    assert.equal(r.epochs.length, 2);
    assert.ok(r.epochs[1].trainLoss < r.epochs[0].trainLoss, `loss ${r.epochs[0].trainLoss} → ${r.epochs[1].trainLoss}`);
    for (const e of r.epochs) {
      for (const key of ['epoch', 'trainLoss', 'validLoss', 'accuracy', 'perplexity', 'seconds']) assert.ok(Number.isFinite(e[key]), key);
    }
    assert.ok(['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu', 'webgpu'].includes(r.backend), r.backend);
    assert.ok(typeof r.device === 'string' && r.device.length > 0);
    await stat(r.checkpoint);
    assert.match(ran.stderr, /epoch\s+train_loss\s+valid_loss\s+accuracy\s+perplexity\s+time/);
  });
});

test('usage and spec errors: one line, a non-zero status', async () => {
  await withHome(async (env) => {
    const unknown = await wordmill(['prepare', 'no-such-corpus'], env);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^wordmill: "no-such-corpus" is neither a catalog name .* \[WM_ERR_SPEC\]\n$/);
    const badSet = await wordmill(['prepare', '--set', 'vocabb.minFreq=1'], env);
    assert.equal(badSet.status, 2);
    assert.match(badSet.stderr, /^wordmill: --set vocabb: is not a known key; known: name, .*vocab.* \(did you mean "vocab"\?\) \[WM_ERR_OPTION\]\n$/);
    const badOption = await wordmill(['prepare', '--set', 'vocab.minFreqq=1'], env);
    assert.equal(badOption.status, 2);
    assert.match(badOption.stderr, /minFreqq/);
  });
});

test('tokenize: JSON lines in, token lists out in the same order', async () => {
  const input = ['{"id":"a","text":"Hello, world!"}', '{"id":"b","text":""}', '{"id":"c","text":"it\'s 3pm."}'].join('\n');
  const out = await wordmill(['tokenize', '--workers', '2'], {}, input);
  assert.equal(out.status, 0, out.stderr);
  const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), ['a', 'b', 'c']);
  assert.deepEqual(lines[0].tokens, ['Hello', ',', 'world', '!']);
  assert.deepEqual(lines[1].tokens, []);
  assert.deepEqual(lines[2].tokens, ['it', "'s", '3', 'pm', '.']);
  assert.match(out.stderr, /3 docs, 9 tokens/);
  const fastai = await wordmill(['tokenize', '--rules', 'fastai'], {}, '{"id":"x","text":"The CAT sat."}');
  assert.deepEqual(JSON.parse(fastai.stdout).tokens, ['xxbos', 'xxmaj', 'the', 'xxup', 'cat', 'sat', '.']);
  const bad = await wordmill(['tokenize'], {}, '{"id":"x","text":"ok"}\nnot json');
  assert.equal(bad.status, 11);
  assert.match(bad.stderr, /stdin line 2: not JSON/);
});

test('tokenize --tokenizer gpt2 and --tokenizer subword --subword-model M, through the pool', async () => {
  const input = ['{"id":"a","text":"Hello  world! 👍"}', '{"id":"b","text":"The CAT sat."}'].join('\n');
  const gpt2 = await wordmill(['tokenize', '--tokenizer', 'gpt2', '--workers', '2'], {}, input);
  assert.equal(gpt2.status, 0, gpt2.stderr);
  const g = gpt2.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(g[0].tokens, ['Hello', 'Ġ', 'Ġworld', '!', 'ĠðŁĳ', 'į', '<|endoftext|>']);
  // tiktoken (gpt2 ranks): [15496, 220, 995, 0, 50169, 235] and [464, 38348, 3332, 13], as GPT-2 token texts.
  assert.deepEqual(g[1].tokens, ['The', 'ĠCAT', 'Ġsat', '.', '<|endoftext|>']);
  const model = fileURLToPath(new URL('../../../test/fixtures/subword/unigram.model', import.meta.url));
  const sub = await wordmill(['tokenize', '--tokenizer', 'subword', '--subword-model', model, '--rules', 'fastai', '--workers', '2'], {}, input);
  assert.equal(sub.status, 0, sub.stderr);
  const s = sub.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(s[1].tokens.slice(0, 4), ['▁xxbos', '▁xxmaj', '▁the', '▁xxup']);
  const missing = await wordmill(['tokenize', '--tokenizer', 'subword'], {}, input);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /needs --subword-model/);
  const notModel = await wordmill(['tokenize', '--tokenizer', 'subword', '--subword-model', fileURLToPath(import.meta.url)], {}, input);
  assert.notEqual(notModel.status, 0);
  assert.match(notModel.stderr, /is not a SentencePiece model/);
});

test('Ctrl-C during prepare: status 130, no store under a final name, and the next run completes', async () => {
  await withHome(async (env) => {
    const corpus = path.join(env.WORDMILL_HOME, 'corpus');
    const { mkdir, writeFile, readdir } = await import('node:fs/promises');
    await mkdir(corpus);
    const para = 'The quick brown fox, said Mr. Smith, jumped over 3 lazy dogs — twice! '.repeat(300);
    for (let i = 0; i < 400; i++) await writeFile(path.join(corpus, `doc${i}.txt`), `${i} ${para}`);
    const child = spawn(process.execPath, [BIN, 'prepare', corpus, '--json', '--no-progress', '--workers', '1'], { env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    // Interrupt once tokenizing has started (the pool is up and spills are being written).
    await new Promise<void>((resolve) => {
      const poll = setInterval(async () => {
        const stores = await readdir(path.join(env.WORDMILL_HOME, 'stores')).catch(() => [] as string[]);
        if (stores.some((s) => s.startsWith('.tmp-'))) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, 130, stderr);
    assert.match(stderr, /interrupted|WM_ERR_ABORTED/);
    const left = await readdir(path.join(env.WORDMILL_HOME, 'stores'));
    assert.deepEqual(left.filter((s) => !s.endsWith('.lock') && !s.startsWith('.tmp-')), [], 'no store under a final name');
    assert.deepEqual(left.filter((s) => s.startsWith('.tmp-') || s.endsWith('.lock')), [], 'temp dir and lock removed on the way out');
    const again = await wordmill(['prepare', corpus, '--json', '--quiet'], env);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(lastJson(again.stdout).docs, 400);
  });
});

test('lr-find off a terminal: a progress line per tenth of the sweep, each suggestion named beside its value', async () => {
  await withHome(async (env) => {
    const plot = path.join(env.WORDMILL_HOME, 'lr.svg');
    // stderr is a pipe here, not a TTY: the plain-line path, without needing --no-progress.
    const ran = await wordmill(['lr-find', '--json', '--num-it', '6', '--workers', '1', '--suggest', 'valley,steep,minimum,slide', '--plot', plot], env);
    assert.equal(ran.status, 0, ran.stderr);
    const steps = ran.stderr.split('\n').filter((l) => /^lr-find: step \d+\/6 · lr \S+ · loss \d/.test(l));
    assert.deepEqual(steps.map((l) => Number(/step (\d+)/.exec(l)![1])), [1, 2, 3, 4, 5, 6].slice(0, steps.length));
    assert.ok(steps.length >= 3, ran.stderr);
    const r = lastJson(ran.stdout);
    assert.deepEqual(r.suggestions.map((s: { method: string }) => s.method), ['valley', 'steep', 'minimum', 'slide']);
    assert.equal(r.suggestion, r.suggestions[0].lr);
    // fastai's LRFinder at num_it 6 (test/train/sweep_ref.py): start·(end/start)^(i/6), never end itself.
    const fastai = [1e-07, 2.15443469003188e-06, 4.64158883361278e-05, 0.001, 0.0215443469003188, 0.464158883361278];
    assert.ok(r.points.length >= 1 && r.points.length <= 6, String(r.points.length));
    r.points.forEach((p: { lr: number }, i: number) => assert.ok(Math.abs(p.lr - fastai[i]) <= 1e-12 * fastai[i], `step ${i}: ${p.lr} vs fastai ${fastai[i]}`));
    for (const s of r.suggestions) assert.ok(s.lr > 0 && s.lr <= 10, `${s.method} ${s.lr}`);
    assert.match(await readFile(plot, 'utf8'), /valley \d/);
    const text = await wordmill(['lr-find', '--num-it', '4', '--no-progress', '--workers', '1', '--suggest', 'minimum', '--plot', plot], env);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^suggested lr \d\.\d\de[-+]\d+ \(minimum\)$/m);
    assert.match(text.stderr, /^lr-find: step 4\/4 /m);
    const bad = await wordmill(['lr-find', '--suggest', 'valley,fast'], env);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^wordmill: --suggest: "fast" is not a known suggestion method; known: valley, steep, minimum, slide \[WM_ERR_OPTION\]\n$/);
  });
});
