#!/usr/bin/env bash
# Long fuzzing run of our readers (issue #7): each Jazzer target in its own JVM until RUNS
# executions (default 1,000,000), no time limit. Crashes, hangs (> 60 s per input) and
# out-of-memory (512 MB heap for inputs of at most 4 KiB) fail the run; the crashing input is left
# in <module>/target/fuzz/<Target>/ (add it to <Target>Inputs/ as a regression seed once fixed).
# Usage: bench/fuzz.sh [TARGET|all] [RUNS]     e.g. bench/fuzz.sh SafeTensorsFuzzTest 1000000
# SKIP_BUILD=1 reuses the installed modules.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${1:-all}
RUNS=${2:-1000000}

declare -A MODULE=(
  [MetadataFuzzTest]=originality-shapes [ImagesFuzzTest]=originality-shapes
  [SafeTensorsFuzzTest]=originality-diffusion [ConfigsFuzzTest]=originality-diffusion
  [DiffusersFolderFuzzTest]=originality-diffusion [PythonJsonFuzzTest]=originality-diffusion
  [TokenizerFilesFuzzTest]=originality-diffusion [PromptFuzzTest]=originality-diffusion
  [EmbeddingsFuzzTest]=originality-inversion [QueryImageFuzzTest]=originality-inversion
  [TorchPickleFuzzTest]=originality-measure [TorchCheckpointFuzzTest]=originality-measure
)
ORDER=(MetadataFuzzTest ImagesFuzzTest SafeTensorsFuzzTest ConfigsFuzzTest DiffusersFolderFuzzTest PythonJsonFuzzTest
       TokenizerFilesFuzzTest PromptFuzzTest EmbeddingsFuzzTest QueryImageFuzzTest TorchPickleFuzzTest TorchCheckpointFuzzTest)
if [ "$TARGET" = all ]; then TARGETS=("${ORDER[@]}"); else TARGETS=("$TARGET"); fi
for t in "${TARGETS[@]}"; do
  [ -n "${MODULE[$t]:-}" ] || { echo "unknown target '$t'; expected one of: ${ORDER[*]}" >&2; exit 2; }
done

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q -o install -DskipTests -pl originality-shapes,originality-diffusion,originality-inversion,originality-measure -am
fi
for t in "${TARGETS[@]}"; do
  m=${MODULE[$t]}
  echo "== $t ($m): $RUNS executions; log in $m/target/fuzz/$t/fuzz.log"
  OMP_NUM_THREADS=1 ./mvnw -B -q -o -pl "$m" test -Dtest=FuzzRunTest -Dsurefire.failIfNoSpecifiedTests=false \
      -Dfuzz.target="$t" -Dfuzz.runs="$RUNS" -Dfuzz.seconds=0 | grep -E "executions in|FAIL|findings \[" || true
  grep -E "^(Done|stat::average_exec_per_sec|stat::peak_rss_mb|allocation:)" "$m/target/fuzz/$t/fuzz.log" || { echo "$t: no final stats (crash?)"; exit 1; }
  if ls "$m/target/fuzz/$t" | grep -qE '^(crash|timeout|oom|leak|slow-unit)-'; then echo "$t: FINDINGS in $m/target/fuzz/$t"; exit 1; fi
done
