import * as tf from '@tensorflow/tfjs';
import { findAdapter, type Adapter } from './dawn.js';

/**
 * TensorFlow.js's WebGPU backend on Dawn (src/train/dawn.ts). tfjs-backend-webgpu registers
 * itself only where `navigator.gpu` exists when it is imported (a browser); under Node we register
 * it on the adapter we found, so that Dawn's options (WORDMILL_DAWN) and the adapter's name are ours.
 */
let chosen: Adapter | undefined;
const errors: string[] = [];

/**
 * Validation and out-of-memory errors Dawn reported since the last call. Such an error drops a
 * whole command buffer, so results read afterwards are wrong, not merely slow: tests assert none.
 */
export function takeWebGPUErrors(): string[] { return errors.splice(0); }

/** Registers tfjs's `webgpu` backend (once per process), or says why not in one line. */
export async function registerWebGPU(): Promise<{ adapter: Adapter } | { reason: string }> {
  if (chosen) return { adapter: chosen };
  let WebGPUBackend: new (device: unknown, info: unknown) => tf.KernelBackend;
  try {
    ({ WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu') as unknown as { WebGPUBackend: typeof WebGPUBackend });
  } catch (e) {
    return { reason: `the optional package @tensorflow/tfjs-backend-webgpu does not load (${(e as Error).message.split('\n')[0]})` };
  }
  const found = await findAdapter();
  if ('reason' in found) return found;
  const { gpu, adapter } = found;
  const l = adapter.limits;
  // The limits tfjs asks for in a browser: the defaults (128 MiB bindings) are far below a large
  // vocabulary's logits; and AddN of 8 gradients binds 9 storage buffers (the default is 8).
  const device = await adapter.requestDevice({
    requiredLimits: Object.fromEntries(['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize',
      'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup', 'maxStorageBuffersPerShaderStage'].map((k) => [k, l[k]])),
  }) as { addEventListener(type: string, f: (e: { error: { message: string } }) => void): void };
  device.addEventListener('uncapturederror', (e) => {
    const line = e.error.message.split('\n')[0];
    if (errors.length === 0) process.stderr.write(`webgpu: device error: ${line}\n`);
    if (errors.length < 100) errors.push(line);
  });
  // The backend checks `navigator.gpu` in its constructor; Node 20 has no navigator.
  const nav = (globalThis as { navigator?: object }).navigator;
  if (!nav) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (!('gpu' in nav)) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  const backend = new WebGPUBackend(device, adapter.info);
  tf.registerBackend('webgpu', () => backend, 3);
  chosen = found.info;
  return { adapter: chosen };
}
