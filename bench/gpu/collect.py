"""bench/gpu.sh pack's copy step: stages the files the traced programs loaded (trace.ts wrote one
path per line) into the bundle folder, with every package.json on the way from node_modules down
to each file (Node reads them for "type", "main" and "exports"). The union package @tensorflow/tfjs
stays (its node bundle registers the gradients, which tfjs-core's does not), but the four packages
it re-exports and wordmill never calls (layers, converter, data, webgl) become empty modules.

    python3 bench/gpu/collect.py ROOT TRACE STAGE
"""
import json
import os
import shutil
import sys

root, trace, stage = (os.path.abspath(p) for p in sys.argv[1:4])
nm = os.path.join(root, "node_modules") + os.sep
STUBS = ("tfjs-layers", "tfjs-converter", "tfjs-data", "tfjs-backend-webgl")
DROP = ("@tensorflow/tfjs-layers/", "@tensorflow/tfjs-converter/", "@tensorflow/tfjs-data/",
        "@tensorflow/tfjs-backend-webgl/")
STUB = "'use strict';\n// bench/gpu/collect.py: re-exported by @tensorflow/tfjs, never called by wordmill; left out of the GPU bundle.\nmodule.exports = {};\n"


def copy(src):
    dst = os.path.join(stage, os.path.relpath(src, root))
    if os.path.exists(dst):
        return
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copy2(src, dst)


files = set()
with open(trace) as f:
    for line in f:
        p = os.path.realpath(line.strip())
        if p.startswith(nm) and os.path.isfile(p) and not p[len(nm):].startswith(DROP):
            files.add(p)
for p in sorted(files):
    copy(p)
    d = os.path.dirname(p)
    while d.startswith(nm):
        if os.path.isfile(os.path.join(d, "package.json")):
            copy(os.path.join(d, "package.json"))
        d = os.path.dirname(d)
    # tfjs-backend-wasm reads its .wasm binaries with fs, which the trace does not see.
    if "/@tensorflow/tfjs-backend-wasm/dist/" in p:
        for w in ("tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm"):
            copy(os.path.join(nm, "@tensorflow/tfjs-backend-wasm/dist", w))
for name in STUBS:
    d = os.path.join(stage, "node_modules/@tensorflow", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "index.js"), "w") as f:
        f.write(STUB)
    with open(os.path.join(d, "package.json"), "w") as f:
        f.write(json.dumps({"name": f"@tensorflow/{name}", "version": "4.22.0", "main": "index.js"}) + "\n")
# wordmill's own compiled code (small): every .js of dist, no maps or declarations.
for d, _, names in os.walk(os.path.join(root, "dist")):
    for n in names:
        if n.endswith(".js"):
            copy(os.path.join(d, n))
copy(os.path.join(root, "package.json"))
print(f"collect: {len(files)} traced node_modules files", file=sys.stderr)
