#!/usr/bin/env bash
# Summarization and translation on this machine's CPU, ModelCat's engine beside transformers in one run
# (docs/performance.md, "Summarization and translation (issue 17)"): teacher-forced training samples/s of a
# t5-small-shaped model, and beam-search latency per input for summarization (t5-small shape) and translation
# (opus-mt-en-de shape), all with random weights.
# Usage: bench/seq2seq/run.sh
#   BENCH_THREADS (nproc)    threads for both          BENCH_TRAIN_BATCH (2)   training batch (same for both)
#   BENCH_TRAIN_SOURCE (512), BENCH_TRAIN_TARGET (128)  tokens       BENCH_TRAIN_STEPS (2) timed steps after 1 untimed
#   BENCH_SUM_SOURCE (512), BENCH_SUM_NEW (64), BENCH_SUM_ROUNDS (1)         summarization input, new tokens, rounds
#   BENCH_MT_SOURCE (32), BENCH_MT_NEW (40), BENCH_MT_ROUNDS (2)             translation input, new tokens, rounds
#   BENCH_BEAMS (4)
# Makes the models once (bench/seq2seq/make_models.py, into bench/results/seq2seq/models) in the reference venv;
# every measurement runs in a process of its own, the engine's and transformers' one after the other, the order
# alternating from one measurement to the next, so that neither takes cores from the other and a load that changes
# during the run weighs on both. JSON lines go to bench/results/seq2seq/seq2seq-<time>.jsonl; a Markdown table to stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS="${BENCH_THREADS:-$(nproc)}"
BATCH="${BENCH_TRAIN_BATCH:-2}"
TRAIN_SOURCE="${BENCH_TRAIN_SOURCE:-512}"
TRAIN_TARGET="${BENCH_TRAIN_TARGET:-128}"
TRAIN_STEPS="${BENCH_TRAIN_STEPS:-2}"
SUM_SOURCE="${BENCH_SUM_SOURCE:-512}"
SUM_NEW="${BENCH_SUM_NEW:-64}"
SUM_ROUNDS="${BENCH_SUM_ROUNDS:-1}"
MT_SOURCE="${BENCH_MT_SOURCE:-32}"
MT_NEW="${BENCH_MT_NEW:-40}"
MT_ROUNDS="${BENCH_MT_ROUNDS:-2}"
BEAMS="${BENCH_BEAMS:-4}"
OUT=bench/results/seq2seq
RESULTS="$OUT/seq2seq-$(date -u +%Y%m%dT%H%M).jsonl"
mkdir -p "$OUT/models"
python="$(reference/venv.sh | tail -n 1)"
"$python" bench/seq2seq/make_models.py "$OUT/models" t5-small opus-mt-en-de
# Built in the reactor: nothing is installed into ~/.m2.
./mvnw -q -pl ml-engine -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
classpath="ml-engine/target/test-classes:ml-engine/target/classes:$(cat ml-engine/target/bench-classpath.txt)"
echo "# $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$RESULTS"

engine() { java -Xmx12g -cp "$classpath" io.modelcat.ml.bench.Seq2SeqBenchmark --threads "$THREADS" "$@" \
  | grep '^RESULT ' | cut -c8- | tee -a "$RESULTS"; }
peer() { "$python" bench/seq2seq/peer.py "$@" "$THREADS" | grep '^RESULT ' | cut -c8- | tee -a "$RESULTS"; }
# Training: the engine first; summarization: transformers first; translation: the engine first.
t5="$OUT/models/t5-small" marian="$OUT/models/opus-mt-en-de"
engine --mode train --model-dir "$t5" --batch "$BATCH" --source "$TRAIN_SOURCE" --target "$TRAIN_TARGET" \
  --warmup 1 --steps "$TRAIN_STEPS"
peer train "$t5" "$BATCH" "$TRAIN_SOURCE" "$TRAIN_TARGET" 1 "$TRAIN_STEPS"
peer generate "$t5" "$SUM_SOURCE" "$SUM_NEW" "$BEAMS" "$SUM_ROUNDS"
engine --mode generate --model-dir "$t5" --source "$SUM_SOURCE" --new-tokens "$SUM_NEW" --beams "$BEAMS" \
  --rounds "$SUM_ROUNDS"
engine --mode generate --model-dir "$marian" --source "$MT_SOURCE" --new-tokens "$MT_NEW" --beams "$BEAMS" \
  --rounds "$MT_ROUNDS"
peer generate "$marian" "$MT_SOURCE" "$MT_NEW" "$BEAMS" "$MT_ROUNDS"
echo "# done $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS"

"$python" - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
def ratio(mode, model, key, higher_is_better):
    by = {("modelcat" if r["framework"] == "modelcat" else "transformers"): r[key] for r in rows
          if r["mode"] == mode and r["model"] == model}
    if len(by) < 2:
        return ""
    return f"{(by['modelcat'] / by['transformers'] if higher_is_better else by['transformers'] / by['modelcat']):.2f}x"
print("\n| what | model | framework | result | engine vs transformers | peak RSS (MiB) |")
print("|---|---|---|---|---|---|")
for r in rows:
    if r["mode"] == "train":
        what = f"training, batch {r['batch']}, {r['source_tokens']} -> {r['target_tokens']} tokens"
        result = f"{r['samples_per_s']:.3f} samples/s (steps {r['steps_samples_per_s']})"
        vs = ratio("train", r["model"], "samples_per_s", True)
    else:
        what = f"beam {r['beams']}, {r['source_tokens']}-token input, {r['new_tokens']} new tokens"
        result = f"{r['s_per_input']:.2f} s/input (rounds {r['rounds_s']})"
        vs = ratio("generate", r["model"], "s_per_input", False)
    print(f"| {what} | {r['model']} | {r['framework']} | {result} | {vs} | {r['peak_rss_mib']:,} |")
PY
