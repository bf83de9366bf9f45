#!/usr/bin/env bash
# ONNX Runtime sitting: 256 px generator inference (resnet_9blocks, and pix2pix's unet_256) run by TorchSharp
# (`cyclegan bench`), ONNX Runtime (`cyclegan bench --impl onnxruntime`, the same weights exported in memory) and
# PyTorch 2.6 (shared/bench/torch26_bench.sh), one after the other, for ROUNDS rounds. Lines are tagged like
# sitting.sh's (ONNX Runtime rows as kernels "onnxruntime"), so `python3 bench/table.py OUT.jsonl` makes the table.
#   bench/onnx_sitting.sh /tmp/onnx.jsonl [ROUNDS]
set -euo pipefail
out=${1:?usage: onnx_sitting.sh OUT.jsonl [ROUNDS]}
rounds=${2:-3}
configs=(
  "--mode infer --size 256 --netG resnet_9blocks --ngf 64 --iters 4 --warmup 1 --threads 2"
  "--mode infer --model pix2pix --size 256 --netG unet_256 --ngf 64 --iters 4 --warmup 1 --threads 2"
)
source "$(dirname "${BASH_SOURCE[0]}")/sitting-common.sh"
for r in $(seq 1 "$rounds"); do
  for c in "${configs[@]}"; do
    tag "$("$root/cyclegan" bench $c 2>/dev/null | tail -1)" "$r" csharp >>"$out"
    tag "$("$root/cyclegan" bench $c --impl onnxruntime 2>/dev/null | tail -1)" "$r" csharp >>"$out"
    if [ -z "${NO_PT26:-}" ]; then tag "$("$shared/torch26_bench.sh" $c | tail -1)" "$r" pt26 >>"$out"; fi
  done
done
