#!/usr/bin/env bash
# Builds @tensorflow/tfjs-node 4.22.0's native binding against the libtensorflow inside a
# tensorflow-cpu pip wheel, OUTSIDE the repository, for one benchmark (issue 12): tfjs-node is never
# a dependency of wordmill and no test uses it.
#
# Why: tfjs-node's install script downloads libtensorflow 2.9 from storage.googleapis.com, which an
# offline machine cannot reach. The pip wheel has no libtensorflow.so, but its libtensorflow_cc.so.2
# exports the whole C and eager C API (TF_*, TFE_*: all 55 symbols the binding uses, TF 2.21 included)
# and ships the C headers under tensorflow/include, so the binding links against it unchanged.
#
#   bench/tfjs-node-wheel.sh [WHEEL] [DIR]     (defaults: the local mirror's tensorflow_cpu 2.21.0, /work/tfnode)
#
# Idempotent: every step is skipped when its output exists. Needs npm (registry access for
# `npm pack` and @mapbox/node-pre-gyp, which tfjs-node uses at run time to find its binding),
# g++/make, python3, Node's headers in /usr/include/node and npm's bundled node-gyp.
# Result: DIR/package is a loadable @tensorflow/tfjs-node whose @tensorflow/tfjs resolves to the
# repository's copy (one tfjs-core, one engine). To benchmark from a checkout (never committed;
# node_modules/ is git-ignored):
#   ln -sfn DIR/package node_modules/@tensorflow/tfjs-node
#   WORDMILL_BACKEND=tensorflow node dist/bench/train.js T1 --steps 20
#   rm node_modules/@tensorflow/tfjs-node
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
WHEEL=${1:-/opt/pypi/files/tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl}
DIR=${2:-/work/tfnode}
GYP=${NODE_GYP:-$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js}
mkdir -p "$DIR" && cd "$DIR"

# 1. The wheel's shared libraries and C headers (about 1.1 GB unpacked, most of it the two libraries).
W=$DIR/wheel/tensorflow
if [ ! -f "$W/libtensorflow_cc.so.2" ] || [ ! -f "$W/include/tensorflow/c/eager/c_api.h" ]; then
  mkdir -p wheel
  unzip -q -o "$WHEEL" 'tensorflow/libtensorflow_cc.so.2' 'tensorflow/libtensorflow_framework.so.2' 'tensorflow/include/*' -d wheel
fi

# 2. tfjs-node's package, scripts skipped (its install script is the download that cannot work).
if [ ! -f package/binding.gyp ]; then
  [ -f tensorflow-tfjs-node-4.22.0.tgz ] || npm pack @tensorflow/tfjs-node@4.22.0
  tar xzf tensorflow-tfjs-node-4.22.0.tgz
fi

# 3. Its run-time dependencies other than tfjs, in DIR/node_modules (found from DIR/package by
#    Node's upward search); @tensorflow/* link to the repository's so that tfjs-core is loaded once.
[ -f package.json ] || echo '{ "name": "tfnode-bench-deps", "private": true, "version": "0.0.0" }' > package.json
[ -d node_modules/@mapbox/node-pre-gyp ] || npm install --ignore-scripts --no-audit --no-fund \
  @mapbox/node-pre-gyp@1.0.9 google-protobuf@3 progress@2 adm-zip@0.5
mkdir -p node_modules/@tensorflow
for p in "$REPO"/node_modules/@tensorflow/*; do
  n=$(basename "$p"); case $n in tfjs-node|tfjs-node-gpu) continue;; esac
  ln -sfn "$(readlink -f "$p")" "node_modules/@tensorflow/$n"
done

# 4. binding.gyp links -ltensorflow -ltensorflow_framework from package/deps/lib with rpath
#    $ORIGIN/../../deps/lib: libtensorflow.so is the wheel's libtensorflow_cc.so.2 (its SONAME is what
#    the binding records as NEEDED, so that name must be in deps/lib too).
mkdir -p package/deps/lib nodedir/include
ln -sfn "$W/include" package/deps/include
ln -sfn "$W/libtensorflow_cc.so.2" package/deps/lib/libtensorflow.so
ln -sfn "$W/libtensorflow_cc.so.2" package/deps/lib/libtensorflow_cc.so.2
ln -sfn "$W/libtensorflow_framework.so.2" package/deps/lib/libtensorflow_framework.so
ln -sfn "$W/libtensorflow_framework.so.2" package/deps/lib/libtensorflow_framework.so.2
# node-gyp wants a node "dist" layout (include/node/*.h); Debian's headers are in /usr/include/node.
ln -sfn /usr/include/node nodedir/include/node

# 5. Build. node-pre-gyp looks for lib/napi-v<highest of package.json's napi_versions ≤ Node's>: v8.
B=package/lib/napi-v8/tfjs_binding.node
if [ ! -f "$B" ]; then
  (cd package && node "$GYP" configure --nodedir="$DIR/nodedir" --module_name=tfjs_binding \
    --module_path="$DIR/package/lib/napi-v8" --napi_build_version=8 \
    && node "$GYP" build --nodedir="$DIR/nodedir" -j 2)
fi

# 6. Every TF_/TFE_ symbol the binding imports must be exported by the wheel's libraries.
missing=$(comm -23 <(nm -D --undefined-only "$B" | awk '{print $2}' | grep -E '^TFE?_' | sed 's/@.*//' | sort -u) \
  <(nm -D --defined-only "$W/libtensorflow_cc.so.2" "$W/libtensorflow_framework.so.2" | awk '{print $3}' | sed 's/@.*//' | sort -u))
[ -z "$missing" ] || { echo "symbols missing from the wheel: $missing" >&2; exit 1; }

# 7. Load it and run one op (the trailing slash: DIR/package.json would otherwise win the lookup).
node -e "const tf = require('$DIR/package/'); const a = tf.tensor2d([[1, 2], [3, 4]]);
console.log('tfjs-node', tf.version['tfjs-node'], 'on libtensorflow', tf.backend().binding.TF_Version,
  'backend', tf.getBackend(), 'matMul', Array.from(a.matMul(a).dataSync()).join(','));" 2>&1 | grep '^tfjs-node'
