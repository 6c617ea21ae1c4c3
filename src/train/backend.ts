import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { WordmillError } from '../errors.js';
import { installWasmFixes } from './kernels.js';
import type { BackendChoice, BackendInfo } from './protocol.js';

// Re-exported for src/cli/commands/run.ts, which imports the type from here.
export type { BackendChoice, BackendInfo };

const require = createRequire(import.meta.url);
const NATIVE: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

function resolves(pkg: string): string | undefined {
  try { return require.resolve(pkg); } catch { return undefined; }
}

/**
 * The native bindings are optional peer dependencies. Loading one whose shared library does not
 * match the system can abort the whole process (a failed dlopen is not always a JS exception),
 * so it is first loaded in a throwaway process and only imported here if that process survived.
 */
function probeNative(pkg: string): boolean {
  const entry = resolves(pkg);
  if (!entry) return false;
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(entry)})`], {
    timeout: 60_000, stdio: 'ignore',
  });
  return probe.status === 0;
}

async function tryNative(choice: 'tensorflow-gpu' | 'tensorflow'): Promise<BackendInfo | undefined> {
  const pkg = NATIVE[choice];
  if (!probeNative(pkg)) return undefined;
  await import(pkg);
  if (!(await tf.setBackend('tensorflow'))) return undefined;
  return { backend: 'tensorflow', device: choice === 'tensorflow-gpu' ? 'gpu (libtensorflow CUDA)' : 'cpu (libtensorflow)' };
}

async function tryWasm(): Promise<BackendInfo | undefined> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(pathToFileURL(dist + path.sep).href);
  // Threaded wasm needs SharedArrayBuffer workers that tfjs does not start under Node: one thread.
  wasm.setThreadsCount(1);
  try {
    if (!(await tf.setBackend('wasm'))) return undefined;
  } catch {
    return undefined;
  }
  installWasmFixes();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { backend: 'wasm', device: `cpu (wasm${simd ? ' simd' : ''}, 1 thread)` };
}

async function tryCpu(): Promise<BackendInfo> {
  await tf.setBackend('cpu');
  return { backend: 'cpu', device: 'cpu (pure JS)' };
}

/** Picks the backend: native GPU, native CPU, wasm, then pure JS; an explicit choice must work. */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  tf.env().set('IS_TEST', false);
  const order: BackendChoice[] = choice === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : [choice];
  for (const c of order) {
    const info = c === 'cpu' ? await tryCpu()
      : c === 'wasm' ? await tryWasm()
        : await tryNative(c as 'tensorflow-gpu' | 'tensorflow');
    if (info) return info;
  }
  throw new WordmillError('WM_ERR_BACKEND', `tfjs backend "${choice}" is not available here`
    + (choice in NATIVE ? ` (install ${NATIVE[choice as 'tensorflow']} for this platform, or use --backend wasm)` : ''),
  { option: 'backend', actual: choice });
}
