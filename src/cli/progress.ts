import cliProgress from 'cli-progress';
import type { Progress } from '../stage.js';
import { formatByteRate, formatCount, formatRate, human } from './rate.js';

interface TaskState {
  started: number;
  value: number;
  total?: number;
  unit: string;
  extra: Record<string, number | string>;
  bar?: cliProgress.SingleBar;
  lastLine: number;
}

const BYTE_UNITS = new Set(['B', 'bytes', 'chars']);

function describe(t: TaskState, done = false): string {
  const secs = Math.max((Date.now() - t.started) / 1000, 1e-3);
  const extra = Object.entries(t.extra).map(([k, v]) => `${k} ${typeof v === 'number' ? human(v) : v}`);
  if (BYTE_UNITS.has(t.unit)) {
    // Text is counted in UTF-16 code units, bytes in bytes: either way MB and MB/s read best.
    const of = t.total && !done ? `/${(t.total / 1e6).toFixed(1)}` : '';
    const rate = secs >= 1 && t.value > 0 ? [formatByteRate(t.value / secs)] : [];
    return [`${(t.value / 1e6).toFixed(1)}${of} MB`, ...rate, ...extra].join(' · ');
  }
  // A rate over the first fraction of a second is noise (one tick in a millisecond reads as 1000/s).
  // Nothing finished yet has no rate (not `0 batches/s`): the first item may just be slow.
  const rate = secs >= 1 && t.value > 0 ? [formatRate(t.value / secs, t.unit)] : [];
  return [formatCount(t.value, t.total, t.unit, done), ...rate, ...extra].join(' · ');
}

/**
 * Progress on stderr: live bars (cli-progress) on a terminal; otherwise a plain line when a task
 * starts, every `intervalMs` while it runs, and when it ends, so logs of CI runs stay readable.
 */
export function createProgress(opts: { tty?: boolean; quiet?: boolean; intervalMs?: number } = {}): Progress & { stop(): void } {
  const tty = opts.tty ?? Boolean(process.stderr.isTTY);
  const intervalMs = opts.intervalMs ?? 5000;
  const tasks = new Map<string, TaskState>();
  const multibar = tty && !opts.quiet
    ? new cliProgress.MultiBar({
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      format: (_o, params, payload: { task: string; info: string }) => {
        const width = 24;
        const filled = params.total > 0 ? Math.round((params.value / params.total) * width) : 0;
        const bar = params.total > 0 ? `${'█'.repeat(Math.min(filled, width))}${'░'.repeat(Math.max(width - filled, 0))} ` : '';
        const eta = params.total > 0 && params.eta > 0 && Number.isFinite(params.eta) ? ` · ETA ${params.eta}s` : '';
        return `${payload.task.padEnd(10)} ${bar}${payload.info}${eta}`;
      },
    }, cliProgress.Presets.shades_classic)
    : undefined;
  // cli-progress's MultiBar.log() only buffers a line until the next timed redraw (every 100 ms),
  // and stop() never flushes that buffer (npkgz/cli-progress#145): the lines logged just before
  // the end of a run (the last epoch row, the checkpoint) were dropped on a terminal. So each line
  // is drawn at once with update(), which also leaves the cursor below the log whenever no bar is
  // live, where whatever is printed next (samples on stdout) cannot be overdrawn by a redraw.
  const write = (line: string) => {
    if (opts.quiet) return;
    if (multibar?.isActive) {
      multibar.log(`${line}\n`);
      multibar.update();
    } else process.stderr.write(`${line}\n`);
  };
  return {
    start(task, total, unit = 'items') {
      const state: TaskState = { started: Date.now(), value: 0, total, unit, extra: {}, lastLine: Date.now() };
      tasks.set(task, state);
      // Plain logs get a line only every intervalMs and at the end: a line per start is noise.
      if (multibar) state.bar = multibar.create(total ?? 0, 0, { task, info: describe(state) });
    },
    tick(task, n, extra) {
      let state = tasks.get(task);
      if (!state) {
        this.start(task, undefined, 'items');
        state = tasks.get(task)!;
      }
      state.value += n;
      if (extra) {
        for (const [k, v] of Object.entries(extra)) {
          state.extra[k] = typeof v === 'number' && typeof state.extra[k] === 'number' ? (state.extra[k] as number) + v : v;
        }
      }
      if (state.bar) state.bar.update(state.value, { task, info: describe(state) });
      else if (Date.now() - state.lastLine >= intervalMs) {
        state.lastLine = Date.now();
        write(`${task}: ${describe(state)}`);
      }
    },
    done(task, summary) {
      const state = tasks.get(task);
      tasks.delete(task);
      if (state?.bar && multibar) {
        // A finished bar becomes a log line above the live ones, so the screen ends as a readable log.
        // The line is queued first, so remove()'s redraw writes it over the bar's own row; removing
        // first left the bar's last timed frame (`46/49 batches`) on screen above the log line.
        multibar.log(`${task}: ${summary ?? describe(state, true)}\n`);
        multibar.remove(state.bar);
        // remove() ends one row below the live bars; redraw once more so the cursor is back where
        // the next line belongs (a later direct write would otherwise be overdrawn by the next frame).
        multibar.update();
      } else if (summary) {
        write(`${task}: ${summary}`);
      }
    },
    log: write,
    stop() {
      if (multibar?.isActive) multibar.update();
      multibar?.stop();
    },
  };
}
