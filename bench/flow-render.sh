#!/usr/bin/env bash
# Microseconds per render of a flow template: Jinjava's renderForResult (what FlowTemplates did before) beside
# FlowTemplates.render (docs/performance.md, bulk tests).   Usage: bench/flow-render.sh [renders per round]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl job-queue -am -DskipTests compile
./mvnw -q -pl job-queue dependency:build-classpath -Dmdep.outputFile=target/flow-render-classpath.txt
CP="job-queue/target/classes:$(cat job-queue/target/flow-render-classpath.txt)"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
javac -d "$OUT" -cp "$CP" bench/flow-render/RenderBench.java
java -cp "$OUT:$CP" RenderBench "${1:-20000}" 2>&1 | grep -v SLF4J
