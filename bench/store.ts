/**
 * Token-store writer and reader. Usage: npm run bench -- store [millions of tokens …] (default 10 100)
 * Each size runs in a fresh child process so its peak RSS is its own. The writer is fed as the
 * orchestrator feeds it (chunks of 64 Ki tokens as {distinct, local ids}, documents of ~2,000 tokens,
 * every tenth chunk to `valid`); token frequencies are log-uniform over 200k types (Zipf-like).
 * Anchors, same run: writing the final token bytes with one writeFileSync (writer), and reading
 * every store file with readFile (open).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/batch/rng.js';
import { ensureStore, openStore, storeDir } from '../src/store/index.js';
import { buildVocab } from '../src/vocab/index.js';

const CHUNK = 65536;
const TYPES = 200_000;

async function child(millions: number): Promise<void> {
  const n = Math.round(millions * 1e6);
  const root = mkdtempSync(join(tmpdir(), 'wm-bench-store-'));
  try {
    const rng = new Rng(7);
    const words = Array.from({ length: TYPES }, (_, i) => `w${i}`);
    const templates = Array.from({ length: 8 }, () => {
      const seen = new Map<number, number>();
      const distinct: string[] = [];
      const ids = new Uint32Array(CHUNK);
      for (let i = 0; i < CHUNK; i++) {
        const w = Math.floor(Math.exp(rng.random() * Math.log(TYPES))) - 1;
        let l = seen.get(w);
        if (l === undefined) { l = distinct.length; seen.set(w, l); distinct.push(words[w]); }
        ids[i] = l;
      }
      return { distinct, ids };
    });
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    let tPass = 0;
    let tVocab = 0;
    let tWrite = 0;
    let vocabSize = 0;
    let peakWrite = 0;
    const sample = () => { peakWrite = Math.max(peakWrite, process.memoryUsage().rss); };
    const { store } = await ensureStore({ root, fingerprint: 'bench', inputs: { n } }, async (w) => {
      let done = 0;
      for (let k = 0; done < n; k++) {
        const t = templates[k % templates.length];
        const take = Math.min(CHUNK, n - done);
        const prov = w.counter.addChunk(t.distinct, take === CHUNK ? t.ids : t.ids.subarray(0, take));
        for (let off = 0; off < take; off += 2048) w.appendDoc(k % 10 === 9 ? 'valid' : 'train', prov.subarray(off, Math.min(take, off + 2048)));
        done += take;
        sample();
      }
      tPass = performance.now() - t0;
      const vocab = buildVocab(w.counter);
      vocabSize = vocab.size;
      tVocab = performance.now() - t0 - tPass;
      // publishStore, not finish: the writer's memory alone, without loading the finished store.
      const timer = setInterval(sample, 2);
      await w.publishStore(vocab);
      clearInterval(timer);
      sample();
      tWrite = performance.now() - t0;
    });
    const peak = process.resourceUsage().maxRSS * 1024;
    const tokenBytes = Object.values(store.meta.files).reduce((a, f) => a + f.size, 0);
    const anchorPath = join(root, 'anchor.bin');
    let tAnchorW = Infinity;
    for (let r = 0; r < 3; r++) {
      const buf = Buffer.alloc(tokenBytes, 1);
      const t = performance.now();
      writeFileSync(anchorPath, buf);
      tAnchorW = Math.min(tAnchorW, performance.now() - t);
    }
    rmSync(anchorPath);
    const dir = storeDir(root, 'bench');
    const timeOpen = async (verify: boolean) => {
      let best = Infinity;
      for (let r = 0; r < 5; r++) {
        const t = performance.now();
        await openStore(dir, { verify });
        best = Math.min(best, performance.now() - t);
      }
      return best;
    };
    const tOpenFast = await timeOpen(false);
    const tOpenVerify = await timeOpen(true);
    let tAnchorR = Infinity;
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      for (const f of readdirSync(dir)) readFileSync(join(dir, f));
      tAnchorR = Math.min(tAnchorR, performance.now() - t);
    }
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
    console.log(`${millions}M tokens (vocab ${vocabSize}, uint${store.meta.idWidth}, store ${mb(tokenBytes)}):`);
    console.log(`  write: pass ${(tPass / 1e3).toFixed(2)} s + vocab ${(tVocab / 1e3).toFixed(2)} s + finish ${((tWrite - tPass - tVocab) / 1e3).toFixed(2)} s = ${(tWrite / 1e3).toFixed(2)} s, ${(n / tWrite / 1e3).toFixed(1)} M tokens/s; anchor writeFileSync of the store bytes ${(tAnchorW / 1e3).toFixed(3)} s (writer = ${(tWrite / tAnchorW).toFixed(1)}× anchor)`);
    console.log(`  RSS while writing: peak ${mb(peakWrite)} (${mb(rssBefore)} before the pass: word list and chunk templates); process peak with the opened store ${mb(peak)}`);
    console.log(`  open: ${tOpenFast.toFixed(1)} ms (sizes + headers), ${tOpenVerify.toFixed(1)} ms (with sha256); anchor readFile of every file ${tAnchorR.toFixed(1)} ms (${(tOpenFast / tAnchorR).toFixed(2)}× / ${(tOpenVerify / tAnchorR).toFixed(2)}× anchor)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  await child(Number(process.argv[3]));
} else {
  const sizes = process.argv.slice(2).map(Number);
  for (const m of sizes.length ? sizes : [10, 100]) {
    await new Promise<void>((resolve, reject) => {
      const c = fork(fileURLToPath(import.meta.url), ['--child', String(m)], { stdio: 'inherit' });
      c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child exited with ${code}`))));
    });
  }
}
