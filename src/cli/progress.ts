import cliProgress from 'cli-progress';
import type { Progress } from '../stage.js';

interface TaskState {
  started: number;
  value: number;
  total?: number;
  unit: string;
  extra: Record<string, number | string>;
  bar?: cliProgress.SingleBar;
  lastLine: number;
}

const human = (n: number): string =>
  n >= 1e9 ? `${(n / 1e9).toFixed(2)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(Math.round(n));

const BYTE_UNITS = new Set(['B', 'bytes', 'chars']);

function describe(t: TaskState): string {
  const secs = Math.max((Date.now() - t.started) / 1000, 1e-3);
  const extra = Object.entries(t.extra).map(([k, v]) => `${k} ${typeof v === 'number' ? human(v) : v}`);
  if (BYTE_UNITS.has(t.unit)) {
    // Text is counted in UTF-16 code units, bytes in bytes: either way MB and MB/s read best.
    const of = t.total ? `/${(t.total / 1e6).toFixed(1)}` : '';
    const rate = secs >= 1 ? [`${(t.value / 1e6 / secs).toFixed(1)} MB/s`] : [];
    return [`${(t.value / 1e6).toFixed(1)}${of} MB`, ...rate, ...extra].join(' · ');
  }
  // A rate over the first fraction of a second is noise (one tick in a millisecond reads as 1000/s).
  const of = t.total ? `/${human(t.total)}` : '';
  const rate = secs >= 1 ? [`${human(t.value / secs)} ${t.unit}/s`] : [];
  return [`${human(t.value)}${of} ${t.unit}`, ...rate, ...extra].join(' · ');
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
  const write = (line: string) => {
    if (opts.quiet) return;
    if (multibar) multibar.log(`${line}\n`);
    else process.stderr.write(`${line}\n`);
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
        multibar.remove(state.bar);
        write(`${task}: ${summary ?? describe(state)}`);
      } else if (summary) {
        write(`${task}: ${summary}`);
      }
    },
    log: write,
    stop() {
      multibar?.stop();
    },
  };
}
