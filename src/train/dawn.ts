/**
 * Dawn (the npm package `webgpu`: Dawn's prebuilt dawn.node, Vulkan on Linux, Metal on macOS,
 * D3D12 on Windows), without TensorFlow.js: the probe asks for an adapter before it pays for
 * loading tfjs, so a machine without one is told so quickly.
 */
export interface Adapter {
  /** What the run reports: the adapter's device or description, and the Dawn backend. */
  name: string;
  /** A CPU rasteriser (llvmpipe, lavapipe, SwiftShader): correct but far slower than wasm. */
  software: boolean;
}

export interface DawnAdapterInfo { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean }
export interface DawnAdapter { info: DawnAdapterInfo; limits: Record<string, number>; requestDevice(d: object): Promise<unknown> }
export interface DawnGpu { requestAdapter(o: object): Promise<DawnAdapter | null> }

const SOFTWARE = /llvmpipe|lavapipe|swiftshader|softpipe|microsoft basic render/i;

/**
 * Dawn's own options, whitespace-separated (`backend=vulkan`, `adapter=NAME`,
 * `enable-dawn-features=a,b`). Dawn's OpenGL/OpenGL ES backends only offer WebGPU's
 * compatibility feature level; with Mesa's llvmpipe they give a software adapter where no
 * Vulkan driver Dawn accepts exists (used to run the parity tests on a CPU-only machine).
 */
export function dawnOptions(env: NodeJS.ProcessEnv = process.env): { options: string[]; featureLevel: 'core' | 'compatibility' } {
  const options = (env.WORDMILL_DAWN ?? '').split(/\s+/).filter(Boolean);
  const gl = options.some((o) => /^backend=opengl(es)?$/.test(o));
  return { options, featureLevel: gl ? 'compatibility' : 'core' };
}

/** Dawn's GPU object and its adapter, or why there is none (one line). */
export async function findAdapter(): Promise<{ gpu: DawnGpu; adapter: DawnAdapter; info: Adapter } | { reason: string }> {
  let dawn: { create(o: string[]): DawnGpu; globals: Record<string, unknown> };
  try {
    dawn = await import('webgpu') as unknown as typeof dawn;
  } catch (e) {
    return { reason: `the optional package webgpu does not load (${(e as Error).message.split('\n')[0]})` };
  }
  const { options, featureLevel } = dawnOptions();
  // EGL (Dawn's GL backends) needs no display when told so; Vulkan ignores it.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  // tfjs-backend-webgpu uses the WebGPU globals (GPUBufferUsage, GPUMapMode…) by name.
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  const gpu = dawn.create(options);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', featureLevel });
  if (!adapter) return { reason: 'Dawn found no WebGPU adapter' };
  return { gpu, adapter, info: describe(adapter.info, options) };
}

function describe(info: DawnAdapterInfo, options: string[]): Adapter {
  const label = [info.device, info.description].filter(Boolean).join(', ') || info.vendor || 'unnamed adapter';
  const via = options.find((o) => o.startsWith('backend='))?.slice(8) ?? (process.platform === 'darwin' ? 'metal' : process.platform === 'win32' ? 'd3d12' : 'vulkan');
  return { name: `${label} (Dawn ${via})`, software: Boolean(info.isFallbackAdapter) || SOFTWARE.test(label) };
}
