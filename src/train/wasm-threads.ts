/**
 * tfjs's threaded-SIMD wasm binary under Node. tfjs 4.22 never loads it there (its
 * WASM_HAS_MULTITHREAD_SUPPORT flag is false under Node, tfjs issue 3830): it gives Emscripten a
 * blob: URL for the pthread script and a Blob for the main script, which Node's Worker cannot
 * start. This module builds the same backend with file paths instead (workers/wasm-pthread.ts),
 * and registers it under the name `wasm`, so every wasm kernel (tfjs's and ours) runs on it.
 */
import fs from 'node:fs';
import path from 'node:path';
import Module, { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);
const PTHREAD = fileURLToPath(new URL('../../workers/wasm-pthread.js', import.meta.url));

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => unknown;
  PThread: { runningWorkers: { unref(): void }[] };
  [k: string]: unknown;
}
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;
// tsconfig's lib has no WebAssembly typings (no DOM): the two calls used here.
interface Instantiated { instance: unknown; module: unknown }
const { WebAssembly: Wasm } = globalThis as unknown as { WebAssembly: { instantiate(b: Uint8Array, imports: unknown): Promise<Instantiated> } };

/**
 * The glue script, with Emscripten's pool of pre-started workers sized to the threads asked: it is
 * compiled in as 8, and each idle worker costs ~8–9 MB of RSS (a process on 2 threads held 168–181
 * MiB against 105–107 MiB on one). XNNPACK starts threads − 1 pthreads; the glue starts another
 * worker on demand if anything asks for more. The pthreads themselves load the unmodified file
 * (`mainScriptUrlOrBlob`), which only the main thread's pool setup differs from.
 */
function compileGlue(glue: string, threads: number): Factory {
  const POOL = 'var pthreadPoolSize=8;';
  const source = fs.readFileSync(glue, 'utf8');
  // A different tfjs build: keep its own pool rather than guess at its text.
  if (!source.includes(POOL)) return require(glue) as Factory;
  type Compilable = Module & { _compile(code: string, file: string): void; paths: string[]; exports: unknown };
  const M = Module as unknown as { new (id: string, parent?: unknown): Compilable; _nodeModulePaths(dir: string): string[] };
  const m = new M(glue);
  m.filename = glue;
  m.paths = M._nodeModulePaths(path.dirname(glue));
  m._compile(source.replace(POOL, `var pthreadPoolSize=${Math.max(1, threads - 1)};`), glue);
  return m.exports as Factory;
}

/**
 * Loads the threaded binary with an XNNPACK pool of `threads` (the calling thread included).
 * The binary sizes its pool as min(requested, logical cores / 2), assuming two hardware threads
 * a core, so `emscripten_num_logical_cores` is answered with 2 × threads: the caller (trainer.ts)
 * has already decided how many cores to use.
 */
async function loadThreaded(threads: number): Promise<EmscriptenModule> {
  const glue = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const dir = path.dirname(glue);
  const factory = compileGlue(glue, threads);
  const wasmFile = path.join(dir, 'tfjs-backend-wasm-threaded-simd.wasm');
  // A binary that fails to instantiate would otherwise leave the factory's promise pending forever.
  let fail!: (e: unknown) => void;
  const failed = new Promise<never>((_, reject) => { fail = reject; });
  const module = await Promise.race([failed, factory({
    locateFile: (p: string) => (p.endsWith('.worker.js') ? PTHREAD : path.join(dir, p)),
    mainScriptUrlOrBlob: glue,
    instantiateWasm(info: { env: Record<string, unknown> }, receive: (instance: unknown, module: unknown) => void) {
      info.env.emscripten_num_logical_cores = () => 2 * threads;
      Wasm.instantiate(fs.readFileSync(wasmFile), info).then((r) => receive(r.instance, r.module), fail);
      return {};
    },
  })]);
  // The names tfjs's own init() gives these entry points; BackendWasm calls them.
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}

/**
 * Puts `factory` in place of the registered `wasm` backend and selects it. If it does not
 * initialise, the previous factory is put back before the error propagates, so the caller's
 * one-thread fallback finds tfjs's own `wasm` backend instead of nothing (and `auto` does not
 * fall through to the pure-JS cpu backend, 10–50× slower).
 */
export async function swapWasmFactory(factory: () => tf.KernelBackend): Promise<void> {
  // Typed as always defined; tfjs returns null for a name never registered.
  const previous = tf.findBackendFactory('wasm') as ReturnType<typeof tf.findBackendFactory> | null;
  if (previous) tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, 2);
  let ok = false;
  try {
    ok = await tf.setBackend('wasm');
  } finally {
    if (!ok) {
      tf.removeBackend('wasm');
      if (previous) tf.registerBackend('wasm', previous, 2);
    }
  }
  if (!ok) throw new Error('the threaded wasm backend did not initialise');
}

/**
 * Replaces the registered `wasm` backend by the threaded one; returns the XNNPACK pool's size as
 * the binary reports it (which is what ran, not what was asked).
 */
export async function registerThreadedWasm(threads: number): Promise<number> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const module = await loadThreaded(threads);
  wasm.setThreadsCount(threads);
  // BackendWasm's constructor type names the module's generated typings; ours is the same object.
  await swapWasmFactory(() => new wasm.BackendWasm(module as never));
  // XNNPACK's pool threads live as long as the backend and Emscripten refs their workers while
  // they run, which would keep any process that loaded this backend alive after its work is done.
  for (const w of module.PThread.runningWorkers) w.unref();
  return wasm.getThreadsCount();
}
