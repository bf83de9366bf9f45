#!/usr/bin/env bash
# One benchmark sitting: each configuration is run by C# (`cyclegan bench`), PyTorch 2.6 (shared/bench/torch26_bench.sh)
# and PyTorch 1.13 (Debian's python3-torch), one after the other, for ROUNDS rounds, so that load from other work
# on the machine hits all three alike. C# runs each configuration twice, with the default --kernels fast and with
# --kernels official (PyTorch's own kernels), and adds bf16 mixed-precision runs of the 64 px step and the 256 px
# inference. Appends one JSON line per run, tagged with round and implementation, to $1.
#   bench/sitting.sh /tmp/sitting.jsonl [ROUNDS]
set -euo pipefail
out=${1:?usage: sitting.sh OUT.jsonl [ROUNDS]}
rounds=${2:-3}
configs=(
  "--mode train --size 64 --netG resnet_6blocks --ngf 32 --ndf 32 --iters 10 --warmup 2 --threads 2"
  "--mode train --size 128 --netG resnet_9blocks --ngf 64 --ndf 64 --iters 3 --warmup 1 --threads 2"
  "--mode infer --size 256 --netG resnet_9blocks --ngf 64 --iters 4 --warmup 1 --threads 2"
)
source "$(dirname "${BASH_SOURCE[0]}")/sitting-common.sh"
for r in $(seq 1 "$rounds"); do
  for c in "${configs[@]}"; do
    tag "$("$root/cyclegan" bench $c | tail -1)" "$r" csharp >>"$out"
    tag "$("$root/cyclegan" bench $c --kernels official | tail -1)" "$r" csharp >>"$out"
    tag "$("$shared/torch26_bench.sh" $c | tail -1)" "$r" pt26 >>"$out"
    # PyTorch 1.13 takes ~5 s per 128 px step even on an idle machine: only with PT113_ALL=1.
    if [[ "$c" != *"--size 128"* || -n "${PT113_ALL:-}" ]]; then
      tag "$(cd "$shared" && /usr/bin/python3 torch_cyclegan_bench.py $c | tail -1)" "$r" pt113 >>"$out"
    fi
  done
  tag "$("$root/cyclegan" bench ${configs[0]} --precision bf16 | tail -1)" "$r" csharp >>"$out"
  tag "$("$root/cyclegan" bench ${configs[2]} --precision bf16 | tail -1)" "$r" csharp >>"$out"
done
