#!/usr/bin/env bash
# Issue 14's libtensorflow question, reproducibly: builds tfjs-node's binding against the C API in
# PyPI's tensorflow-cpu 2.21.0 wheel (libtensorflow_cc.so.2: no Python symbols, so no CPython stub;
# the headers need tsl/ and xla/tsl/) in a scratch copy of this tree, runs the step compiler's tests
# there, and alternates bench/experiments/step-cpu.ts between the two builds (1 thread, nice 10).
# Nothing in this tree changes. Results: bench/results/libtensorflow-221.json (JSON lines per call).
#   bash bench/experiments/libtensorflow-221.sh [SCRATCH_DIR] [ROUNDS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ALT="${1:-${TMPDIR:-/tmp}/robustlab-libtf221}"
ROUNDS="${2:-2}"
WHEELS="${ROBUSTLAB_CACHE:-$HOME/.cache/robustlab}/wheels"
WHEEL="tensorflow_cpu-2.21.0-cp310-cp310-manylinux_2_27_x86_64.whl"
SHA256=d143e92f5c0661cdfa26eaca8f73cd2efd0ec53a68af8dec82f584ba8eb14b83
OUT="$ROOT/bench/results/libtensorflow-221.json"

mkdir -p "$WHEELS"
[ -f "$WHEELS/$WHEEL" ] || python3 -m pip download --no-deps --only-binary=:all: --python-version 3.10 --platform manylinux_2_27_x86_64 tensorflow-cpu==2.21.0 -d "$WHEELS"
echo "$SHA256  $WHEELS/$WHEEL" | sha256sum -c -

if [ ! -f "$ALT/.built" ]; then
  rm -rf "$ALT" && mkdir -p "$ALT/node_modules/@tensorflow"
  (cd "$ROOT" && tar --exclude=./node_modules --exclude=./.git --exclude=./bench/.venv --exclude=./bench/.work --exclude=./test-output -cf - .) | tar -xf - -C "$ALT"
  for d in "$ROOT"/node_modules/* "$ROOT"/node_modules/.bin; do [ "$(basename "$d")" = @tensorflow ] || ln -s "$d" "$ALT/node_modules/"; done
  for d in "$ROOT"/node_modules/@tensorflow/*; do [ "$(basename "$d")" = tfjs-node ] || ln -s "$d" "$ALT/node_modules/@tensorflow/"; done
  T="$ALT/node_modules/@tensorflow/tfjs-node"
  mkdir -p "$T" && (cd "$ROOT/node_modules/@tensorflow/tfjs-node" && tar --exclude=./deps --exclude=./lib --exclude=./build -cf - .) | tar -xf - -C "$T"
  python3 - "$WHEELS/$WHEEL" "$ALT/wheel" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
keep = ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2')
prefixes = ('tensorflow/include/tensorflow/c/', 'tensorflow/include/tensorflow/core/platform/', 'tensorflow/include/tsl/', 'tensorflow/include/xla/tsl/')
z.extractall(sys.argv[2], [n for n in z.namelist() if n in keep or n.startswith(prefixes)])
PY
  mkdir -p "$T/deps/lib" && cp -r "$ALT/wheel/tensorflow/include" "$T/deps/include"
  cp "$ALT/wheel/tensorflow/libtensorflow_cc.so.2" "$ALT/wheel/tensorflow/libtensorflow_framework.so.2" "$T/deps/lib/"
  ln -s libtensorflow_cc.so.2 "$T/deps/lib/libtensorflow.so" && ln -s libtensorflow_framework.so.2 "$T/deps/lib/libtensorflow_framework.so"
  NODE_DIR="$(dirname "$(dirname "$(command -v node)")")"
  NAPI="$(node -p process.versions.napi)"
  V="$(cd "$T" && node -p "Math.max(...require('./package.json').binary.napi_versions.filter((v) => v <= $NAPI))")"
  (cd "$T" && node "$NODE_DIR/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js" rebuild --nodedir="$NODE_DIR" \
    --module="$T/lib/napi-v$V/tfjs_binding.node" --module_name=tfjs_binding --module_path="$T/lib/napi-v$V" --napi_version="$NAPI" \
    --node_abi_napi=napi --napi_build_version="$V" --node_napi_label="napi-v$V" >/dev/null)
  touch "$ALT/.built"
fi
(cd "$ALT" && node -e "const tf=require('@tensorflow/tfjs-node'); console.log('scratch tree: backend', tf.getBackend(), 'libtensorflow', tf.backend().binding.TF_Version)")
(cd "$ALT" && node scripts/run-tests.mjs test/engine/compile test/engine/native/maxPool.kernels | grep -E '^# (tests|pass|fail)')

: > "$OUT"
export TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2
for round in $(seq 1 "$ROUNDS"); do
  for arch in cnn-small madry-mnist wong-mnist; do
    for exe in compiled eager; do
      E=""; [ "$exe" = eager ] && E=eager
      for tree in "$ROOT" "$ALT"; do
        (cd "$tree" && ROBUSTLAB_EXECUTION=$E nice -n 10 node --import tsx bench/experiments/step-cpu.ts --models "$arch" --tasks none,fgsm,pgd,pgd20 --reps 3 2>/dev/null) \
          | sed "s/^{/{\"round\":$round,\"loadavg\":$(cut -d' ' -f1 /proc/loadavg),/" | tee -a "$OUT"
      done
    done
  done
done
