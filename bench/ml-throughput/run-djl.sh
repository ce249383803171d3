#!/usr/bin/env bash
# DJL side of the ML engine throughput benchmark: BERT-base shapes, random weights, AdamW.
# Usage: bench/ml-throughput/run-djl.sh [ThroughputBenchmark options], e.g.
#   bench/ml-throughput/run-djl.sh --device cpu --batches 32 --warmup 1 --train-steps 2 --infer-steps 3
# Builds ml-engine (tests skipped) and runs io.modelcat.ml.bench.ThroughputBenchmark from its test classes.
# Results go to stdout (lines starting with RESULT) and, as JSON lines, to bench/results/ml-throughput.jsonl.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q install -pl ml-engine -am -DskipTests
./mvnw -q -pl ml-engine dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
mkdir -p bench/results
FIXTURES="${MODELCAT_FIXTURES:-../shared/fixtures}"
exec java -Xmx8g -cp "ml-engine/target/test-classes:ml-engine/target/classes:$(cat ml-engine/target/bench-classpath.txt)" \
  io.modelcat.ml.bench.ThroughputBenchmark \
  --tokenizer "$FIXTURES/hf-tiny/bert/tokenizer.json" \
  --model-dir bench/results/bert-base-random \
  --out bench/results/ml-throughput.jsonl "$@"
