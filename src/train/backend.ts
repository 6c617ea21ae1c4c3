import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { WordmillError } from '../errors.js';
import { installWasmFixes } from './kernels.js';
import { probeWebGPU } from './webgpu-probe.js';
import { registerWebGPU } from './webgpu.js';
import { registerThreadedWasm } from './wasm-threads.js';
import { installWebGPUKernels } from './kernels-webgpu.js';
import type { BackendChoice, BackendInfo } from './protocol.js';

// Re-exported for src/cli/commands/run.ts, which imports the type from here.
export type { BackendChoice, BackendInfo };

const require = createRequire(import.meta.url);
const NATIVE: Record<'tensorflow-gpu' | 'tensorflow' | 'webgpu', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  webgpu: 'webgpu and @tensorflow/tfjs-backend-webgpu',
  tensorflow: '@tensorflow/tfjs-node',
};

function resolves(pkg: string): string | undefined {
  try { return require.resolve(pkg); } catch { return undefined; }
}

/**
 * The native bindings are optional peer dependencies. Loading one whose shared library does not
 * match the system can abort the whole process (a failed dlopen is not always a JS exception),
 * so it is first loaded in a throwaway process and only imported here if that process survived.
 * Returns why it cannot be used, or undefined when it loaded.
 */
function probeNative(pkg: string, entry: string): string | undefined {
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(entry)})`], {
    timeout: 60_000, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 4 << 20,
  });
  if (probe.status === 0) return undefined;
  // Node prints the loader's stack: its `Error: …` line is the explanation (a missing libcudart, a bad ELF).
  const lines = (probe.stderr ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  const why = lines.find((l) => /^\w*Error\b/.test(l)) ?? lines[lines.length - 1];
  const how = probe.error && (probe.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? 'did not load within 60 s'
    : probe.signal ? `crashed loading (signal ${probe.signal})` : `failed to load (exit code ${probe.status})`;
  return `${pkg} ${how}${why ? `: ${why.slice(0, 300)}` : ''}`;
}

async function tryNative(choice: 'tensorflow-gpu' | 'tensorflow', log: (line: string) => void): Promise<BackendInfo | undefined> {
  const pkg = NATIVE[choice];
  const entry = resolves(pkg);
  if (!entry) return undefined;
  // An installed package that does not load is said, as webgpu's reasons are: the user installed it to be used.
  const why = probeNative(pkg, entry);
  if (why) { log(`${choice}: not used: ${why}`); return undefined; }
  await import(pkg);
  if (!(await tf.setBackend('tensorflow'))) { log(`${choice}: not used: ${pkg} loaded but its backend did not initialise`); return undefined; }
  return { backend: 'tensorflow', device: choice === 'tensorflow-gpu' ? 'gpu (libtensorflow CUDA)' : 'cpu (libtensorflow)' };
}

/**
 * WebGPU only after a child process found an adapter whose smoke test matches the cpu backend.
 * `auto` skips a software adapter (a CPU rasteriser is far slower than wasm); `--backend webgpu`
 * takes it. Why it was skipped is one log line.
 */
async function tryWebGPU(explicit: boolean, log: (line: string) => void): Promise<BackendInfo | undefined> {
  const missing = ['webgpu', '@tensorflow/tfjs-backend-webgpu'].filter((p) => !resolves(p));
  if (missing.length) { log(`webgpu: not used: the optional package${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed`); return undefined; }
  const probe = probeWebGPU();
  if (!probe.ok) { log(`webgpu: not used: ${probe.reason}`); return undefined; }
  if (probe.software && !explicit) { log(`webgpu: not used: ${probe.adapter} is a software adapter (slower than wasm; --backend webgpu uses it)`); return undefined; }
  const r = await registerWebGPU();
  if ('reason' in r || !(await tf.setBackend('webgpu'))) { log(`webgpu: not used: ${'reason' in r ? r.reason : 'the backend did not initialise'}`); return undefined; }
  installWebGPUKernels();
  return { backend: 'webgpu', device: `${r.adapter.software ? 'cpu, software adapter' : 'gpu'} (webgpu: ${r.adapter.name})` };
}

async function tryWasm(threads: number, log: (line: string) => void): Promise<BackendInfo | undefined> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  let ran = 1;
  if (threads > 1) {
    try {
      ran = await registerThreadedWasm(threads);
    } catch (e) {
      log(`wasm: ${threads} threads not used: ${(e as Error).message}; one thread`);
    }
  }
  if (ran === 1) {
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(pathToFileURL(dist + path.sep).href);
    wasm.setThreadsCount(1);
    try {
      if (!(await tf.setBackend('wasm'))) return undefined;
    } catch {
      return undefined;
    }
  }
  installWasmFixes();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { backend: 'wasm', device: `cpu (wasm${simd ? ' simd' : ''}, ${ran} thread${ran > 1 ? 's' : ''})` };
}

async function tryCpu(): Promise<BackendInfo> {
  await tf.setBackend('cpu');
  return { backend: 'cpu', device: 'cpu (pure JS)' };
}

/** `auto`'s order, best first (the README's list says the same). */
export const AUTO_ORDER: readonly BackendChoice[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

/**
 * Picks the backend: native CUDA, WebGPU, native CPU, wasm, then pure JS; an explicit choice
 * must work. `log` gets one line for each backend that was present but could not be used.
 */
export async function selectBackend(choice: BackendChoice = 'auto', log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  threads = 1): Promise<BackendInfo> {
  tf.env().set('IS_TEST', false);
  const order: readonly BackendChoice[] = choice === 'auto' ? AUTO_ORDER : [choice];
  let why: string | undefined;
  const note = (line: string) => { why = line.replace(/^[\w-]+: not used: /, ''); log(line); };
  for (const c of order) {
    const info = c === 'cpu' ? await tryCpu()
      : c === 'wasm' ? await tryWasm(threads, log)
        : c === 'webgpu' ? await tryWebGPU(choice === 'webgpu', note)
          : await tryNative(c as 'tensorflow-gpu' | 'tensorflow', note);
    if (info) return info;
  }
  throw new WordmillError('WM_ERR_BACKEND', `tfjs backend "${choice}" is not available here`
    + (why ? `: ${why} (use --backend wasm)` : choice in NATIVE ? ` (install ${NATIVE[choice as 'tensorflow']} for this platform, or use --backend wasm)` : ''),
  { option: 'backend', actual: choice });
}
