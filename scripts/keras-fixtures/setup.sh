#!/usr/bin/env bash
# Regenerates test/fixtures/keras: two venvs outside the repository (VENVS, default /work/venvs),
# one with Keras 3 (TensorFlow 2.21) and one with Keras 2 (TensorFlow 2.15), each with Google's
# tensorflowjs 4.22 converter, then make_fixtures.py in each. Needs Python 3.11 (TF 2.15 has no
# wheel for newer Pythons) and PyPI.
#   bash scripts/keras-fixtures/setup.sh [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venvs="${VENVS:-/work/venvs}"
py="${PYTHON311:-python3.11}"
out="${1:-$root/test/fixtures/keras}"
for side in keras3 keras2; do
  v="$venvs/$side"
  if [ ! -x "$v/bin/python" ]; then "$py" -m venv "$v"; fi
  "$v/bin/pip" install --disable-pip-version-check -q -r "$here/requirements-$side.txt"
  # The converter's own metadata pins packages (tensorflow-decision-forests, jax) that want other
  # TensorFlow versions; the Keras and SavedModel converters need none of them.
  "$v/bin/pip" install --disable-pip-version-check -q --no-deps -r "$here/requirements-$side-nodeps.txt"
  sp="$("$v/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  mkdir -p "$sp/tensorflow_decision_forests"
  echo '"""Stub: tensorflowjs imports TFDF only to register decision-forest ops."""' > "$sp/tensorflow_decision_forests/__init__.py"
  "$v/bin/python" "$here/make_fixtures.py" "$out"
done
du -sh "$out"
