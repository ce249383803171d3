#!/usr/bin/env bash
# Greedy generation on this machine's CPU, ModelCat's engine beside transformers' generate (with its key/value
# cache) in one run (docs/performance.md, "Generation"): time to first token, tokens per second and peak resident
# memory, per model shape and prompt length; and scoring each prompt (every token's log-probability and the
# likeliest BENCH_SCORE_TOP, as echo with logprobs and evaluation harnesses ask) beside a transformers forward pass.
# Usage: bench/generation/run.sh [model ...]   (default: gpt2-small smollm2-135m qwen2.5-0.5b)
#   BENCH_PROMPTS ("32,512")  prompt lengths in tokens    BENCH_NEW_TOKENS (64)  tokens per round
#   BENCH_ROUNDS (3)          timed rounds per length     BENCH_THREADS (nproc)  threads for both
#   BENCH_SCORE_TOP (5)       likeliest tokens per position when scoring a prompt
#   BENCH_LORA_BATCH (2), BENCH_LORA_SEQ (128), BENCH_LORA_STEPS (8)   LoRA training of the SmolLM2-135M shape, after
#                             2 untimed steps: the engine (LoraTrainingBenchmark) beside transformers + peft
# Makes the models with random weights (bench/generation/make_models.py, into bench/results/generation/models) in
# the reference venv (reference/venv.sh: the pinned torch and transformers); each framework and model runs in a
# process of its own, one after the other, so that neither takes cores from the other and the peak memory is the
# model's. JSON lines go to bench/results/generation/generation-<time>.jsonl; a Markdown table to stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
PROMPTS="${BENCH_PROMPTS:-32,512}"
NEW_TOKENS="${BENCH_NEW_TOKENS:-64}"
ROUNDS="${BENCH_ROUNDS:-3}"
THREADS="${BENCH_THREADS:-$(nproc)}"
SCORE_TOP="${BENCH_SCORE_TOP:-5}"
LORA_BATCH="${BENCH_LORA_BATCH:-2}"
LORA_SEQ="${BENCH_LORA_SEQ:-128}"
LORA_STEPS="${BENCH_LORA_STEPS:-8}"
OUT=bench/results/generation
RESULTS="$OUT/generation-$(date -u +%Y%m%dT%H%M).jsonl"
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(gpt2-small smollm2-135m qwen2.5-0.5b)
mkdir -p "$OUT/models"
python="$(reference/venv.sh | tail -n 1)"
"$python" bench/generation/make_models.py "$OUT/models" "${models[@]}"
# Built in the reactor: nothing is installed into ~/.m2.
./mvnw -q -pl ml-engine -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
classpath="ml-engine/target/test-classes:ml-engine/target/classes:$(cat ml-engine/target/bench-classpath.txt)"
echo "# $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee "$RESULTS"
for model in "${models[@]}"; do
  dir="$OUT/models/$model"
  java -Xmx12g -cp "$classpath" io.modelcat.ml.bench.GenerationBenchmark --model-dir "$dir" --prompts "$PROMPTS" \
    --new-tokens "$NEW_TOKENS" --rounds "$ROUNDS" --threads "$THREADS" --score-top "$SCORE_TOP" | grep '^RESULT ' | cut -c8- | tee -a "$RESULTS"
  "$python" bench/generation/peer.py "$dir" "$PROMPTS" "$NEW_TOKENS" "$ROUNDS" "$THREADS" "$SCORE_TOP" \
    | grep '^RESULT ' | cut -c8- | tee -a "$RESULTS"
done
# LoRA training (the SmolLM2-135M shape when it is among the models): engine, then transformers + peft.
if [[ " ${models[*]} " == *" smollm2-135m "* ]]; then
  dir="$OUT/models/smollm2-135m"
  java -Xmx12g -cp "$classpath" io.modelcat.ml.bench.LoraTrainingBenchmark --model-dir "$dir" --batch "$LORA_BATCH" \
    --seq "$LORA_SEQ" --warmup 2 --steps "$LORA_STEPS" --threads "$THREADS" | grep '^RESULT ' | cut -c8- | tee -a "$RESULTS"
  "$python" bench/generation/lora_peer.py "$dir" "$LORA_BATCH" "$LORA_SEQ" 2 "$LORA_STEPS" "$THREADS" \
    | grep '^RESULT ' | cut -c8- | tee -a "$RESULTS"
fi
"$python" - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print("\n| model | prompt tokens | framework | time to first token (s) | tokens/s | peak RSS (MiB) |")
print("|---|---|---|---|---|---|")
for r in rows:
    if "ttft_s" in r:
        print(f"| {r['model']} | {r['prompt_tokens']} | {r['framework']} | {r['ttft_s']:.3f} | {r['tokens_per_s']:.2f} | {r['peak_rss_mib']:,} |")
scored = [r for r in rows if "score_s" in r]
if scored:
    print(f"\n| model | prompt tokens | framework | scoring the prompt (s) | prompt tokens/s |")
    print("|---|---|---|---|---|")
    for r in scored:
        print(f"| {r['model']} | {r['prompt_tokens']} | {r['framework']} | {r['score_s']:.3f} | {r['scored_tokens_per_s']:,.0f} |")
lora = [r for r in rows if "train_tokens_per_s" in r]
if lora:
    print("\n| model | batch x seq | framework | LoRA training tokens/s | first / last loss | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|")
    for r in lora:
        print(f"| {r['model']} | {r['batch']} x {r['seq']} | {r['framework']} | {r['train_tokens_per_s']:.1f} | "
              f"{r['first_loss']:.3f} / {r['last_loss']:.3f} | {r['peak_rss_mib']:,} |")
PY
