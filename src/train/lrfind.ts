import path from 'node:path';
import { ensureDir, writeFileAtomic } from '../disk/write.js';
import { noDecayOf, disposeParams } from './params.js';
import { Adam, adamDefaults } from './adam.js';
import { Dropout } from './dropout.js';
import { SmoothLoss } from './step.js';
import { createTask } from './tasks/index.js';
import type { ReplicaPool } from './replicas/pool.js';
import { initialWeights } from './init.js';
import type { Feed } from './feed.js';
import type { LrFindJob } from './protocol.js';
import type { LrFindResult } from './types.js';
import { suggest, type LrPoint, type Suggestion } from './suggest.js';
import { sweepLr } from './sweep.js';

/**
 * fastai's learning-rate finder: lr grows exponentially from startLr towards endLr over numIt steps (sweep.ts) on
 * the weights a fit job would start from (init.ts: a checkpoint, pretrained GPT-2, an encoder, else random), as
 * fastai's lr_find runs on the learner's current weights; the loss is smoothed (β 0.98, debiased); the sweep
 * stops once it exceeds 4× the best.
 * Suggestions come from fastai's functions (suggest.ts), `valley` unless the job names others.
 */
export async function lrFindJob(job: LrFindJob, feed: Feed, backend: string,
  onStep?: (s: { batch: number; batches: number; loss: number; lr: number }) => void, replicas?: ReplicaPool): Promise<LrFindResult> {
  const task = createTask({ ...job, task: 'lm' }, replicas);
  const points: { lr: number; loss: number }[] = [];
  const opt = new Adam(task.params, noDecayOf(task.shapes));
  let epoch = 0;
  let stream = feed.open('train', epoch, 0);
  const adam = adamDefaults(job.train);
  const ema = new SmoothLoss();
  let best = Infinity;
  try {
    await initialWeights(job, task);
    for (let i = 0; i < job.numIt; i++) {
      let b = await stream.next();
      if (!b) { stream = feed.open('train', ++epoch, 0); b = await stream.next(); }
      if (!b) break;
      if (i === 0) task.checkMemory(backend, b);
      const lr = sweepLr(i, job.startLr, job.endLr, job.numIt);
      const loss = await task.train(b, { opt, hyper: { ...adam, lr }, clip: job.train.clip }, new Dropout(true, job.seed, i));
      ema.add(loss);
      const smooth = ema.value;
      if (!Number.isFinite(smooth)) break;
      points.push({ lr, loss: smooth });
      onStep?.({ batch: i + 1, batches: job.numIt, loss: smooth, lr });
      best = Math.min(best, smooth);
      if (smooth > 4 * best) break;
    }
  } finally {
    stream.close();
    task.dispose();
    opt.dispose();
    disposeParams(task.params);
  }
  const suggestions = suggest(points, job.numIt, job.suggest ?? ['valley']);
  const suggestion = suggestions[0]?.lr ?? NaN;
  let plot: string | undefined;
  if (job.plotPath) {
    const file = job.plotPath;
    await ensureDir(path.dirname(file), 'cannot create the plot directory');
    await writeFileAtomic(file, svg(points, suggestions), 'cannot write the plot');
    plot = job.plotPath;
  }
  return { points, suggestion, suggestions, plot };
}

function svg(points: LrPoint[], suggestions: Suggestion[]): string {
  const W = 640, H = 400, m = 50;
  if (points.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"></svg>\n`;
  const xs = points.map((p) => Math.log10(p.lr));
  const ys = points.map((p) => p.loss);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => m + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * m);
  const sy = (y: number) => H - m - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * m);
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${sx(xs[i]).toFixed(1)},${sy(p.loss).toFixed(1)}`).join(' ');
  const ticks = [];
  for (let e = Math.ceil(x0); e <= Math.floor(x1); e++) {
    ticks.push(`<line x1="${sx(e)}" y1="${H - m}" x2="${sx(e)}" y2="${H - m + 5}" stroke="black"/><text x="${sx(e)}" y="${H - m + 18}" font-size="11" text-anchor="middle">1e${e}</text>`);
  }
  const marks = suggestions.filter((g) => Number.isFinite(g.lr) && g.lr > 0).map((g, k) => {
    const x = sx(Math.log10(g.lr)).toFixed(1);
    return `<line x1="${x}" y1="${m}" x2="${x}" y2="${H - m}" stroke="#d62728" stroke-dasharray="4"/><text x="${Number(x) + 4}" y="${m + 12 + 14 * k}" font-size="11" fill="#d62728">${g.method} ${g.lr.toExponential(1)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<line x1="${m}" y1="${H - m}" x2="${W - m}" y2="${H - m}" stroke="black"/><line x1="${m}" y1="${m}" x2="${m}" y2="${H - m}" stroke="black"/>
${ticks.join('\n')}
<text x="${W / 2}" y="${H - 10}" font-size="12" text-anchor="middle">learning rate (log scale)</text>
<text x="14" y="${H / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">loss (smoothed)</text>
<text x="${m - 5}" y="${sy(y1) + 4}" font-size="11" text-anchor="end">${y1.toFixed(2)}</text>
<text x="${m - 5}" y="${sy(y0) + 4}" font-size="11" text-anchor="end">${y0.toFixed(2)}</text>
<path d="${line}" fill="none" stroke="#1f77b4" stroke-width="2"/>
${marks.join('\n')}
</svg>
`;
}
