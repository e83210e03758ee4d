#!/bin/bash
# What settles the one-token search? K = 1 only, on the fresh common queries where cpu and thorough disagree at m1 or m1 was near tau.
export MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=68719476736 MALLOC_TOP_PAD_=268435456
cd /work/main
J="java -Xmx8g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 -jar /work/runs/jar14/originality.jar"
q=/work/runs/fresh/q/common/images
F="$q/000005.png $q/000007.png $q/000008.png $q/000001.png $q/000006.png"
# The cpu preset was 800 steps at lr 1e-2 when these ran (session 14); the steps and rate are spelt out so that the
# lines mean the same under any later preset.
$J score $F --preset cpu --max-tokens 1 --batch 2 --steps 800 --lr 1e-2 --out /work/runs/fresh/m1/b2-lr1e-2 --resume
$J score $F --preset cpu --max-tokens 1 --batch 4 --steps 800 --lr 1e-2 --out /work/runs/fresh/m1/b4-lr1e-2 --resume
$J score $F --preset cpu --max-tokens 1 --batch 2 --steps 800 --lr 5e-3 --out /work/runs/fresh/m1/b2-lr5e-3 --resume
# Session 15: the timestep window; four samples at 600 steps, at lr 1e-2 and 2e-2 (the last is the m1 chain of the session-15 trial, studies/fresh-1130/cpu-600x8).
$J score $F --preset cpu --max-tokens 1 --batch 2 --steps 800 --lr 1e-2 --timestep-window 10 --out /work/runs/fresh/m1/b2-w10 --resume
$J score $F --preset cpu --max-tokens 1 --batch 4 --steps 600 --lr 1e-2 --out /work/runs/fresh/m1/b4-s600 --resume
$J score $F --preset cpu --max-tokens 1 --batch 4 --steps 600 --lr 2e-2 --out /work/runs/fresh/m1/b4-s600-lr2e-2 --resume
