#!/usr/bin/env bash
# CUT sitting: one 256 px training step (resnet_9blocks, ngf/ndf 64, batch 1) of CycleGAN, CUT and FastCUT, timed by
# TorchSharp (`cyclegan bench --mode train`; the PyTorch script has no CUT), one process per run so that each peak
# RSS is its own, the three models interleaved in each of ROUNDS rounds. Each line is tagged with its round.
#   bench/cut_sitting.sh /tmp/cut.jsonl [ROUNDS] [ITERS]
set -euo pipefail
out=${1:?usage: cut_sitting.sh OUT.jsonl [ROUNDS] [ITERS]}
rounds=${2:-3}
iters=${3:-2}
common="--mode train --size 256 --netG resnet_9blocks --ngf 64 --ndf 64 --iters $iters --warmup 1 --threads 2"
configs=(
  "--model cycle_gan"
  "--model cut --CUT_mode CUT"
  "--model cut --CUT_mode FastCUT"
)
source "$(dirname "${BASH_SOURCE[0]}")/sitting-common.sh"
for r in $(seq 1 "$rounds"); do
  for c in "${configs[@]}"; do
    tag "$("$root/cyclegan" bench $common $c 2>/dev/null | tail -1)" "$r" csharp >>"$out"
  done
done
