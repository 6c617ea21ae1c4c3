import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../workers/webgpu-probe.js', import.meta.url));

export type WebGPUProbe = { ok: true; adapter: string; software: boolean; maxDiff: number } | { ok: false; reason: string };

/**
 * Runs workers/webgpu-probe.js in a child process, bounded by `timeoutMs` (WORDMILL_WEBGPU_PROBE_MS,
 * default 60 s: a first run compiles Dawn's shaders). A failure is one line saying why, with
 * Dawn's own explanation (it prints it to stderr) when it gave one.
 */
export function probeWebGPU(timeoutMs = Number(process.env.WORDMILL_WEBGPU_PROBE_MS ?? 60_000), env: NodeJS.ProcessEnv = process.env): WebGPUProbe {
  const r = spawnSync(process.execPath, [ENTRY], { timeout: timeoutMs, encoding: 'utf8', killSignal: 'SIGKILL', maxBuffer: 16 << 20, env });
  const last = r.stdout?.trim().split('\n').pop();
  let out: WebGPUProbe | undefined;
  try { out = last ? JSON.parse(last) as WebGPUProbe : undefined; } catch { out = undefined; }
  if (out?.ok) return out;
  const why = r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `the WebGPU probe did not finish within ${timeoutMs} ms`
    : out ? out.reason
      : `the WebGPU probe process ended without an answer (${r.signal ? `signal ${r.signal}` : `exit code ${r.status}`})`;
  const dawn = dawnWarnings(r.stderr ?? '');
  return { ok: false, reason: dawn ? `${why} (Dawn: ${dawn})` : why };
}

/** Dawn's warnings, first line of each, without the noise that does not explain anything. */
function dawnWarnings(stderr: string): string {
  const seen = new Set<string>();
  for (const line of stderr.split('\n')) {
    const m = /^Warning: (.*)$/.exec(line.trim());
    if (m && !/artificially reduced/.test(m[1])) seen.add(m[1].trim());
  }
  return [...seen].join('; ');
}
