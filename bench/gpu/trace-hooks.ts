/** Loader-thread half of trace.ts: logs each file an `import` resolved to. */
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Next = (spec: string, ctx: unknown) => Promise<{ url: string }>;

export async function resolve(spec: string, ctx: unknown, next: Next): Promise<{ url: string }> {
  const r = await next(spec, ctx);
  if (process.env.WM_TRACE && r.url.startsWith('file:')) appendFileSync(process.env.WM_TRACE, `${fileURLToPath(r.url)}\n`);
  return r;
}
