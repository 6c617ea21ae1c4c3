import { LSTM_WASM, LSTM_WASM_SHARED } from './bytes.js';

/** lstm.wat's two exports; every argument is a byte offset into tfjs-wasm's heap or a size. */
export interface LstmSimd {
  forward(x: number, z: number, cp: number, act: number, c: number, tc: number, y: number, hn: number, rows: number, h: number): void;
  backward(dy: number, dhn: number, dcn: number, act: number, tc: number, cp: number, dz: number, dx: number, rows: number, h: number): void;
}

// The project's lib has no WebAssembly types (no DOM lib); the little used here, declared.
interface Memory { buffer: ArrayBuffer | SharedArrayBuffer }
const Wasm = (globalThis as unknown as { WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
} }).WebAssembly;
interface EmscriptenModule { wasmMemory?: Memory; asm?: { memory?: Memory } }
const instances = new WeakMap<Memory, LstmSimd | null>();

/**
 * The SIMD gate kernels bound to the heap of `wasm` (tfjs-wasm's Emscripten module), or null where
 * its memory is not reachable or the engine refuses the module (then lstm-wasm.ts runs its JS
 * loops, the same math in float64). One instance per heap, compiled on first use (~1 KB).
 */
export function lstmSimd(wasm: unknown): LstmSimd | null {
  const m = wasm as EmscriptenModule;
  const memory = m.wasmMemory ?? m.asm?.memory;
  if (!memory) return null;
  let inst = instances.get(memory);
  if (inst !== undefined) return inst;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Buffer.from(shared ? LSTM_WASM_SHARED : LSTM_WASM, 'base64');
    inst = new Wasm.Instance(new Wasm.Module(bytes), { env: { memory } }).exports as unknown as LstmSimd;
  } catch {
    inst = null;
  }
  instances.set(memory, inst);
  return inst;
}
