import { appendFileSync } from 'node:fs';

type Next = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, next: Next): Promise<{ url: string }> {
  const r = await next(specifier, context);
  const log = process.env.WORDMILL_TF_WATCH;
  if (log && r.url.includes('/@tensorflow/')) appendFileSync(log, `${process.pid} ${r.url}\n`);
  return r;
}
