/**
 * The learning rate of step `i` (from 0) of an lr-find sweep, as fastai's LRFinder sets it: before
 * each batch it evaluates SchedExp(start, end) at train_iter/num_it, i.e. start·(end/start)^(i/num_it),
 * and stops once num_it batches have run — so the first step is at `startLr` and the last one step
 * of the geometric progression short of `endLr` (fastai never trains at end_lr itself).
 */
export function sweepLr(i: number, startLr: number, endLr: number, numIt: number): number {
  return startLr * Math.pow(endLr / startLr, i / numIt);
}
