#!/usr/bin/env bash
# Regenerates everything under fixtures/ from Python's reference libraries: the tiny Hugging Face models
# with what transformers computes for them (fixtures/hf-tiny), the reference values of the metrics
# (fixtures/metrics), and a LoRA adapter made by peft with what peft computes with it (fixtures/lora). Makes
# reference/.venv first if needed (versions pinned in reference/requirements.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
python="$(reference/venv.sh | tail -n 1)"
export PYTHONHASHSEED=0 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
"$python" reference/generate_fixtures.py --out fixtures
# The metrics and the LoRA adapter read the tiny GPT-2 just written.
"$python" reference/metrics_reference.py
"$python" reference/lora_reference.py --out fixtures
