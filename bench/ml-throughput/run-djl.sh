#!/usr/bin/env bash
# DJL side of the ML engine throughput benchmark: BERT-base shapes, random weights, AdamW.
# Usage: bench/ml-throughput/run-djl.sh [ThroughputBenchmark options], e.g.
#   bench/ml-throughput/run-djl.sh --device cpu --batches 32 --warmup 1 --train-steps 2 --infer-steps 3
# Builds ml-engine's test classes and runs io.modelcat.ml.bench.ThroughputBenchmark from them.
# Results go to stdout (lines starting with RESULT) and, as JSON lines, to bench/results/ml-throughput.jsonl.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Built in the reactor: nothing is installed into ~/.m2.
./mvnw -q -pl ml-engine -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
mkdir -p bench/results
exec java -Xmx8g -cp "ml-engine/target/test-classes:ml-engine/target/classes:$(cat ml-engine/target/bench-classpath.txt)" \
  io.modelcat.ml.bench.ThroughputBenchmark \
  --tokenizer fixtures/hf-tiny/bert/tokenizer.json \
  --model-dir bench/results/bert-base-random \
  --out bench/results/ml-throughput.jsonl "$@"
