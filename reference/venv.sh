#!/usr/bin/env bash
# Makes reference/.venv, the virtual environment with Python's reference libraries at the versions
# pinned in reference/requirements.txt. Idempotent: a venv whose stamp matches the requirements is
# kept; otherwise it is rebuilt from scratch. Prints the venv's python on its last line.
#
#   MODELCAT_PYTHON          the interpreter to build it with (default: python3; 3.10 to 3.13)
#   MODELCAT_REFERENCE_VENV  where to put it (default: reference/.venv)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${MODELCAT_REFERENCE_VENV:-$here/.venv}"
python="${MODELCAT_PYTHON:-python3}"
requirements="$here/requirements.txt"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

ready() { [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$want" ]; }

if ! ready; then
  if ! command -v "$python" > /dev/null 2>&1; then
    echo "reference/venv.sh: $python was not found; Python 3.10 to 3.13 with pip is needed (set MODELCAT_PYTHON)" >&2
    exit 3
  fi
  # Builds running side by side (two Maven modules, two terminals) wait for one another.
  mkdir -p "$(dirname "$venv")"
  exec 9> "$venv.lock"
  flock 9
  if ! ready; then
    echo "reference/venv.sh: installing Python's reference libraries into $venv (about 5 GB, 1 to 3 minutes)" >&2
    started=$SECONDS
    rm -rf "$venv"
    "$python" -m venv "$venv"
    # The stamp is written last: a broken install is rebuilt on the next run, never half used.
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --progress-bar off \
      -r "$requirements" >&2
    echo "$want" > "$venv/.requirements.sha256"
    echo "reference/venv.sh: ready in $((SECONDS - started)) s" >&2
  fi
fi
echo "$venv/bin/python"
