#!/usr/bin/env bash
# Native memory over a long inversion: `originality invert` on the shipped model for STEPS steps (default 10,000;
# K = 5, batch 5), its RSS sampled every 15 s; prints the samples and the growth from step 1,000 (after warm-up) to
# the end. Usage: bench/memory.sh [STEPS]   (~25 minutes for 10,000 steps on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-10000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
./originality invert studies/fig6-step14000/queries/common/04.png --tokens 5 --batch 5 --steps "$steps" --seed 1 \
    --out "$out/e.safetensors" > "$out/invert.log" 2>&1 &
pid=$!
start=$(date +%s)
echo "seconds rss_kB step"
while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    step=$(tail -c 200 "$out/invert.log" | grep -o "[0-9]*/$steps" | tail -1 | cut -d/ -f1 || true)
    [ -n "$rss" ] && echo "$(( $(date +%s) - start )) $rss ${step:-0}" | tee -a "$out/rss.txt"
    sleep 15
done
wait "$pid" || { tail -5 "$out/invert.log"; exit 1; }
awk -v from=$(( steps / 10 )) '$3 >= from && !s {s = $2; st = $3} $3 > 0 {e = $2; et = $3}
     END {printf "rss_growth from step %d (%d kB) to step %d (%d kB): %.2f%%\n", st, s, et, e, 100 * (e - s) / s}' "$out/rss.txt"
