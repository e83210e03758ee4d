#!/usr/bin/env bash
# Engine benchmark: our engine (bench/Bench.java on the originality jars) vs PyTorch eager
# (bench/peer.py) on this CPU, 2 intra-op threads each. See bench/README.md.
# Usage: bench/run.sh [WARMUP REPS]   (SKIP_BUILD=1 reuses originality-cli/target)
#        bench/run.sh quick             1 warm-up, 3 repetitions, plus score_seconds: one 64x64 image scored for
#                                       m = 1..5 on the cpu preset (shipped model), estimated from a 40-step probe
#                                       (./originality bench --quick runs this; ~2 minutes)
#        bench/run.sh sd1 [BATCH]       the SD v1.x-sized UNet only: no warm-up, one repetition each side
#                                       (~14 GB peak per side, run one after the other)
set -euo pipefail
cd "$(dirname "$0")/.."
SD1=
QUICK=
if [ "${1:-}" = sd1 ]; then SD1=${2:-1}; WARMUP=0; REPS=1
elif [ "${1:-}" = quick ]; then QUICK="quick models/shapes-originality-64 studies/fig6-step14000/queries/common/04.png"; WARMUP=1; REPS=3
else WARMUP=${1:-1}; REPS=${2:-3}; fi
PY=/usr/bin/python3

# PyTorch at its best: Debian's python3-torch plus OpenBLAS (without it torch falls back to
# the reference BLAS, ~14x slower at sgemm).
if ! $PY -c 'import torch' 2>/dev/null || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    apt-get install -y python3-torch libopenblas0-pthread >/dev/null
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    ./mvnw -B -q -o -DskipTests package
fi

OUT=bench/out
mkdir -p "$OUT"
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
# Both sides under the glibc malloc settings ./originality uses (MALLOC=default leaves glibc's own).
if [ "${MALLOC:-tuned}" = tuned ]; then
    export MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=68719476736 MALLOC_TOP_PAD_=268435456
fi
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); load: $(cut -d' ' -f1-3 /proc/loadavg); malloc: ${MALLOC:-tuned}"
# ATTENTION=math runs our side with the unfused softmax attention (default: libtorch's fused kernel)
java -Doriginality.attention="${ATTENTION:-fused}" -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "originality-cli/target/originality.jar:originality-cli/target/lib/*" \
    bench/Bench.java "$WARMUP" "$REPS" ${SD1:+sd1 "$SD1"} $QUICK > "$OUT/ours.log" 2>&1 || { tail -30 "$OUT/ours.log"; exit 1; }
grep -E '^(RESULT|PARAMS|MEMORY|ATTENTION|SCORE)' "$OUT/ours.log" | tee "$OUT/ours.txt"
$PY bench/peer.py --warmup "$WARMUP" --reps "$REPS" --java "$OUT/ours.txt" ${SD1:+--sd1 "$SD1"} > "$OUT/peer.log" \
    || { rc=$?; cat "$OUT/peer.log"; exit $rc; }
# the summary line stays last (ti_step_ratio=… train_step_ratio=… [score_seconds=…])
head -n -1 "$OUT/peer.log"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
tail -n 1 "$OUT/peer.log"
