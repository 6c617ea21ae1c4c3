/** Replacement kernels and fused-op forms for the WebGPU backend (see each for why). */
let installed = false;

export function installWebGPUKernels(): void {
  if (installed) return;
  installed = true;
}
