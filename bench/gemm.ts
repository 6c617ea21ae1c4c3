/**
 * The GEMM ceiling of the wasm backend: float32 matMul GFLOP per wall-second and per CPU-second
 * (on a shared machine wall time measures the neighbours too), on the shapes of bench/torch_gemm.py.
 *
 *   WORDMILL_THREADS=1 node dist/bench/gemm.js
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/train/backend.js';

// The last two are the AWD config's: one time step's recurrent product, and the tied head.
const SHAPES: [number, number, number, number][] = [[512, 512, 512, 20], [1024, 1024, 1024, 5], [559, 400, 60000, 2], [32, 1152, 4608, 40], [2304, 400, 20056, 2]];

async function main(): Promise<void> {
  const info = await selectBackend('wasm', undefined, Number(process.env.WORDMILL_THREADS ?? 1));
  for (const [m, k, n, reps] of SHAPES) {
    const a = tf.randomNormal([m, k]), b = tf.randomNormal([k, n]);
    tf.matMul(a, b).dispose();
    const t0 = performance.now(), u0 = process.cpuUsage();
    for (let i = 0; i < reps; i++) { const c = tf.matMul(a, b); await c.data(); c.dispose(); }
    const ms = performance.now() - t0, u = process.cpuUsage(u0);
    const fl = 2 * m * k * n * reps;
    console.log(JSON.stringify({ runtime: `tfjs-${info.backend}`, device: info.device, shape: [m, k, n], gflops_wall: Number((fl / ms / 1e6).toFixed(1)), gflop_per_cpu_s: Number((fl / ((u.user + u.system) / 1000) / 1e6).toFixed(1)) }));
    a.dispose(); b.dispose();
  }
}

void main();
