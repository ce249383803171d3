#!/usr/bin/env bash
# Makes FOLDER/.venv with the versions pinned in FOLDER/requirements.txt, for the benchmarks that measure a
# Python peer (bench/promptflow: prompt flow for bench/bulk-test.sh; bench/mlflow: MLflow for
# bench/catalog-vs-mlflow.sh; bench/serving: transformers and torch for bench/serving/run.sh, about 5 GB). The
# product never needs Python. Idempotent: a venv whose stamp matches the requirements is kept; otherwise it is
# rebuilt. Prints the venv's python on its last line.
#   bench/venv.sh FOLDER [PYTHON]    PYTHON: the interpreter to build it with (default python3)
#   MODELCAT_PYTHON                  overrides PYTHON
set -euo pipefail
[ $# -ge 1 ] && [ -f "$1/requirements.txt" ] || { echo "usage: bench/venv.sh FOLDER [PYTHON] (FOLDER holds requirements.txt)" >&2; exit 2; }
here="$(cd "$1" && pwd)"
venv="$here/.venv"
python="${MODELCAT_PYTHON:-${2:-python3}}"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
ready() { [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$want" ]; }
if ! ready; then
  exec 9> "$venv.lock"
  flock 9
  if ! ready; then
    echo "bench/venv.sh: installing $1/requirements.txt into $venv (1 to 5 minutes)" >&2
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --progress-bar off \
      -r "$here/requirements.txt" >&2
    echo "$want" > "$venv/.requirements.sha256"   # last: a broken install is rebuilt next time
  fi
fi
echo "$venv/bin/python"
