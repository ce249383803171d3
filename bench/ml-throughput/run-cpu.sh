#!/usr/bin/env bash
# The ML engine against PyTorch on this machine's CPU, back to back: BERT-base shapes, sequence 128,
# training (AdamW, clipping, dropout) and inference (no gradients) at batches 8 and 32.
# Usage: bench/ml-throughput/run-cpu.sh [cpu_compare.py options, e.g. --rounds 5]
#   THREADS          intra-op threads on both sides (default: nproc)
#   PYTORCH_VARIANT  PyTorch's attention: "fp32 eager" (default, the same operations as the engine's) or
#                    "fp32 sdpa" (the fused scaled_dot_product_attention kernel that transformers picks by default)
# Builds ml-engine's test classes in the reactor (nothing is installed into ~/.m2), finds PyTorch
# through reference/venv.sh, starts both sides once and alternates them per configuration.
# Prints a table of samples/s and engine/PyTorch ratios; JSON lines and logs go to bench/results/.
set -euo pipefail
cd "$(dirname "$0")/../.."
threads="${THREADS:-$(nproc)}"
mkdir -p bench/results

echo "building ml-engine (test classes) ..." >&2
./mvnw -q -pl ml-engine -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
python="$(reference/venv.sh | tail -n 1)"

# The tokenizer is only copied beside the random checkpoint (token ids are fed directly).
tokenizer=fixtures/hf-tiny/bert/tokenizer.json

classpath="ml-engine/target/test-classes:ml-engine/target/classes:$(cat ml-engine/target/bench-classpath.txt)"
engine="java -Xmx2g -cp $classpath io.modelcat.ml.bench.ThroughputBenchmark --mode serve --device cpu \
  --threads $threads --model-dir bench/results/bert-base-random --tokenizer $tokenizer"
pytorch="$python bench/ml-throughput/pytorch_bench.py --serve --device cpu --threads $threads --variants '${PYTORCH_VARIANT:-fp32 eager}'"

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(free -g | awk '/^Mem:/ {print $2}') GiB; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$python" bench/ml-throughput/cpu_compare.py --engine "$engine" --pytorch "$pytorch" \
    --out bench/results/ml-throughput-cpu.jsonl --logs bench/results "$@"
} | tee "bench/results/ml-throughput-cpu-$(date -u +%Y%m%dT%H%M).txt"
