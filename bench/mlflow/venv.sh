#!/usr/bin/env bash
# Makes bench/mlflow/.venv with the versions pinned in bench/mlflow/requirements.txt (MLflow for
# bench/catalog-vs-mlflow.sh). Idempotent: a venv whose stamp matches the requirements is kept; otherwise it is rebuilt.
# Prints the venv's python on its last line.
#   MODELCAT_PYTHON  the interpreter to build it with (default: python3.11)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${MODELCAT_PYTHON:-python3.11}"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
ready() { [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$want" ]; }
if ! ready; then
  exec 9> "$venv.lock"
  flock 9
  if ! ready; then
    echo "bench/mlflow/venv.sh: installing into $venv (1 to 3 minutes, about 900 MB)" >&2
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --progress-bar off \
      -r "$here/requirements.txt" >&2
    echo "$want" > "$venv/.requirements.sha256"   # last: a broken install is rebuilt next time
  fi
fi
echo "$venv/bin/python"
