import { WASM } from './bytes.js';

/** lstm.wat's exports; every argument is a byte offset into tfjs-wasm's heap or a size. */
export interface LstmSimd {
  forward(x: number, z: number, cp: number, act: number, c: number, tc: number, y: number, hn: number, rows: number, h: number): void;
  backward(dy: number, dhn: number, dcn: number, act: number, tc: number, cp: number, dz: number, dx: number, rows: number, h: number): void;
}
/** adam.wat's export: offsets of p, g, m, v and of the new p, m, v; n; then the step's float32 constants. */
export interface AdamSimd {
  adam(p: number, g: number, m: number, v: number, po: number, mo: number, vo: number, n: number,
    b1: number, c1: number, b2: number, c2: number, d2: number, eps: number, s: number, keep: number): void;
}
/** softmax.wat's export: offsets of z [rows, v], g [rows, v] and stats [rows, 2]; rows; v. */
export interface SoftmaxSimd { rows(z: number, g: number, stats: number, rows: number, v: number): void }
interface Exports { lstm: LstmSimd; adam: AdamSimd; softmax: SoftmaxSimd }


// The project's lib has no WebAssembly types (no DOM lib); the little used here, declared.
interface Memory { buffer: ArrayBuffer | SharedArrayBuffer }
const Wasm = (globalThis as unknown as { WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
} }).WebAssembly;
interface EmscriptenModule { wasmMemory?: Memory; asm?: { memory?: Memory } }
const instances = new WeakMap<Memory, Map<string, unknown>>();

/**
 * Module `name` of simd/ bound to the heap of `wasm` (tfjs-wasm's Emscripten module), or null where
 * its memory is not reachable or the engine refuses the module; callers then use their JS or
 * tensor form. One instance per heap and module, compiled on first use (~1 KB each).
 */
export function simdModule<K extends keyof Exports>(name: K, wasm: unknown): Exports[K] | null {
  const m = wasm as EmscriptenModule;
  const memory = m.wasmMemory ?? m.asm?.memory;
  if (!memory) return null;
  let mods = instances.get(memory);
  if (!mods) instances.set(memory, (mods = new Map()));
  if (mods.has(name)) return mods.get(name) as Exports[K] | null;
  let inst: Exports[K] | null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Buffer.from(shared ? WASM[name].shared : WASM[name].plain, 'base64');
    inst = new Wasm.Instance(new Wasm.Module(bytes), { env: { memory } }).exports as Exports[K];
  } catch {
    inst = null;
  }
  mods.set(name, inst);
  return inst;
}

/** A module that owns its memory (grown by its caller) and needs nothing from tfjs. */
interface Owned { memory: { buffer: ArrayBuffer; grow(pages: number): number } }
/** mask.wat: mask(n, seed, cut, keep) writes n float32 values from byte 0. */
export interface MaskSimd extends Owned { mask(n: number, seed: number, cut: number, keep: number): void }
/** sum.wat: sum(parts, n) adds blocks 1 … parts − 1 of n floats (from byte 0, end to end) into block 0. */
export interface SumSimd extends Owned { sum(parts: number, n: number): void }
interface OwnedExports { mask: MaskSimd; sum: SumSimd }

const owned = new Map<string, unknown>();
/** Module `name`'s one instance in this thread, or null where the engine refuses it (callers use JS). */
function ownedModule<K extends keyof OwnedExports>(name: K): OwnedExports[K] | null {
  if (owned.has(name)) return owned.get(name) as OwnedExports[K] | null;
  let inst: OwnedExports[K] | null;
  try {
    inst = new Wasm.Instance(new Wasm.Module(Buffer.from(WASM[name].plain, 'base64')), {}).exports as OwnedExports[K];
  } catch {
    inst = null;
  }
  owned.set(name, inst);
  return inst;
}
export const maskModule = (): MaskSimd | null => ownedModule('mask');
export const sumModule = (): SumSimd | null => ownedModule('sum');

/** Grows an owned module's memory to at least `bytes`. */
export function reserve(m: Owned, bytes: number): void {
  const have = m.memory.buffer.byteLength;
  if (have < bytes) m.memory.grow(Math.ceil((bytes - have) / 65536));
}
