/**
 * `bench/gpu.sh pack` runs the device step's programs here under `--import` of this file and
 * bundles only the files they loaded: every ESM resolution (trace-hooks.ts, in the loader thread)
 * and every CommonJS resolution (tfjs's node bundles, dawn.node) is appended to $WM_TRACE.
 */
import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';

const out = process.env.WM_TRACE;
if (out) {
  register(new URL('./trace-hooks.js', import.meta.url));
  const M = Module as unknown as { _resolveFilename: (this: unknown, ...a: unknown[]) => string };
  const resolve = M._resolveFilename;
  M._resolveFilename = function (this: unknown, ...a: unknown[]): string {
    const f = resolve.apply(this, a);
    if (f.startsWith('/')) appendFileSync(out, `${f}\n`);
    return f;
  };
}
