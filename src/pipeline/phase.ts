import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AppendLog, ensureDir, writeFileAtomic } from '../disk/write.js';
import type { StageContext } from '../stage.js';
import { checkpointFile, readCheckpointHeader } from '../train/checkpoint.js';
import type { RecipeStage } from '../train/recipe.js';
import { csvHeader, csvRow, tableHeader, tableRow } from '../train/task.js';
import type { EpochMetrics, FitOptions, FitResult, TrainerClient } from '../train/types.js';

/** The ULMFiT recipe's phases (language-model fine-tune, classifier stages): one fit each, in its own directory. */
const done = async (dir: string): Promise<boolean> => {
  const f = checkpointFile(dir);
  if (!(await stat(f).catch(() => undefined))) return false;
  return (await readCheckpointHeader(f)).position.done;
};

export interface StageInfo {
  name: string; i: number; n: number; s?: RecipeStage; dir: string; resume: boolean;
  /** The padding ratio of the stage's epoch `e` (classifier stages: the table's padding column). */
  padding?: (e: number) => number;
}

/** One phase: a fit in its own directory, resumed when it was interrupted; fastai's epoch table. */
export async function runStage(trainer: TrainerClient, st: StageInfo, o: FitOptions, ctx: StageContext): Promise<FitResult> {
  const kind = o.task ?? 'lm';
  const what = st.s
    ? `classifier stage ${st.i + 1}/${st.n}: ${st.s.freezeTo === undefined ? 'all layers' : `freeze_to(${st.s.freezeTo})`}, ${st.s.epochs} epoch(s) at ${Array.isArray(st.s.lr) ? `slice(${st.s.lr[0].toExponential(2)}, ${st.s.lr[1].toExponential(2)})` : st.s.lr}`
    : `language-model fine-tune on all the text: ${o.train.epochs} epoch(s) at ${o.train.lr}`;
  const finished = st.resume && (await done(st.dir));
  ctx.progress.log(`${what}${finished ? ' (done in an earlier run)' : ''}`);
  ctx.progress.log(tableHeader(kind));
  const metricsFile = path.join(st.dir, 'metrics.csv');
  const resume = st.resume && (await stat(checkpointFile(st.dir)).catch(() => undefined)) !== undefined;
  if (!resume) {
    await ensureDir(st.dir, 'cannot create the run directory');
    await writeFileAtomic(metricsFile, `${csvHeader(kind)}\n`, 'cannot write the metrics');
  }
  const metricsLog = new AppendLog(metricsFile, 'cannot write the metrics');
  let lastBatch = 0;
  const withPadding = (m: EpochMetrics): EpochMetrics => (st.padding ? { ...m, padding: st.padding(m.epoch) } : m);
  const label = (e: number) => `${st.name} epoch ${e}`;
  const fitted = await trainer.fit({
    ...o, resume,
    onStep: (s) => {
      if (s.batch < lastBatch || lastBatch === 0) ctx.progress.start(label(s.epoch), s.batches, 'batches');
      ctx.progress.tick(label(s.epoch), s.batch - lastBatch, { loss: s.loss.toFixed(3) });
      lastBatch = s.batch;
    },
    onEpoch: (raw: EpochMetrics) => {
      const m = withPadding(raw);
      ctx.progress.done(label(m.epoch));
      lastBatch = 0;
      ctx.progress.log(tableRow(kind, m));
      metricsLog.append(`${csvRow(kind, m)}\n`);
    },
  });
  await metricsLog.flush();
  const fit = { ...fitted, epochs: fitted.epochs.map(withPadding) };
  // A finished phase returns its metrics unchanged: show them as the run that made them did.
  if (finished) for (const m of fit.epochs) ctx.progress.log(tableRow(kind, m));
  return fit;
}
