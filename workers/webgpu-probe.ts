/**
 * Probes the WebGPU backend in a throwaway process (src/train/webgpu-probe.ts runs it with a
 * timeout): a native library that does not load, a driver that hangs or a device that computes
 * wrong numbers must cost the trainer a fallback, never a crash or a hang. Prints one JSON line:
 * { ok: true, adapter, software, maxDiff } or { ok: false, reason }.
 */
import { findAdapter } from '../src/train/dawn.js';

const TOLERANCE = 1e-4;

async function main(): Promise<Record<string, unknown>> {
  // Dawn alone first: without an adapter there is no need to load TensorFlow.js at all.
  const found = await findAdapter();
  if ('reason' in found) return { ok: false, reason: found.reason };
  const tf = await import('@tensorflow/tfjs');
  const { registerWebGPU } = await import('../src/train/webgpu.js');
  const { smokeTest, smokeDiff } = await import('../src/train/smoke.js');
  const r = await registerWebGPU();
  if ('reason' in r) return { ok: false, reason: r.reason };
  tf.env().set('IS_TEST', false);
  if (!(await tf.setBackend('webgpu'))) return { ok: false, reason: `the webgpu backend did not initialise on ${r.adapter.name}` };
  const gpu = await smokeTest();
  await tf.setBackend('cpu');
  const cpu = await smokeTest();
  const maxDiff = smokeDiff(gpu, cpu);
  if (!(maxDiff < TOLERANCE)) return { ok: false, reason: `the smoke test on ${r.adapter.name} differs from the cpu backend by ${maxDiff}` };
  return { ok: true, adapter: r.adapter.name, software: r.adapter.software, maxDiff };
}

main().then((r) => { process.stdout.write(`${JSON.stringify(r)}\n`); process.exit(0); },
  (e: Error) => { process.stdout.write(`${JSON.stringify({ ok: false, reason: `the WebGPU probe failed: ${e.message.split('\n')[0]}` })}\n`); process.exit(0); });
