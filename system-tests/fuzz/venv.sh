#!/usr/bin/env bash
# Makes system-tests/fuzz/.venv, the virtual environment with schemathesis (the API fuzzer that
# ApiFuzzSystemTest runs) at the versions pinned in system-tests/fuzz/requirements.txt. Idempotent: a venv
# whose stamp matches the requirements is kept; otherwise it is rebuilt from scratch. Prints the venv's
# schemathesis command on its last line.
#
#   MODELCAT_PYTHON       the interpreter to build it with (default: python3; 3.10 to 3.13)
#   MODELCAT_FUZZ_VENV    where to put it (default: system-tests/fuzz/.venv)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${MODELCAT_FUZZ_VENV:-$here/.venv}"
python="${MODELCAT_PYTHON:-python3}"
requirements="$here/requirements.txt"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

ready() { [ -x "$venv/bin/schemathesis" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$want" ]; }

if ! ready; then
  if ! command -v "$python" > /dev/null 2>&1; then
    echo "system-tests/fuzz/venv.sh: $python was not found; Python 3.10 to 3.13 with pip is needed (set MODELCAT_PYTHON)" >&2
    exit 3
  fi
  # Builds running side by side wait for one another.
  mkdir -p "$(dirname "$venv")"
  exec 9> "$venv.lock"
  flock 9
  if ! ready; then
    echo "system-tests/fuzz/venv.sh: installing schemathesis into $venv (about 100 MB, under a minute)" >&2
    started=$SECONDS
    rm -rf "$venv"
    "$python" -m venv "$venv"
    # The stamp is written last: a broken install is rebuilt on the next run, never half used.
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --progress-bar off \
      -r "$requirements" >&2
    echo "$want" > "$venv/.requirements.sha256"
    echo "system-tests/fuzz/venv.sh: ready in $((SECONDS - started)) s" >&2
  fi
fi
echo "$venv/bin/schemathesis"
