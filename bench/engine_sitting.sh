#!/usr/bin/env bash
# The sitting of issue 24 (fastest engine on the CPU): every configuration it names, run by TorchSharp in fp32
# (`cyclegan bench`, default fast kernels, kernel check on), TorchSharp in bf16 (`--precision bf16`), ONNX Runtime
# (`--impl onnxruntime`, the same weights exported in memory; inference only) and PyTorch 2.6
# (shared/bench/torch26_bench.sh), one after the other, for ROUNDS rounds. Each line is tagged with its round, the
# runner (csharp / pt26) and the machine's load average; `python3 bench/engine_table.py OUT.jsonl` makes the tables.
#   bench/engine_sitting.sh /tmp/engine.jsonl [ROUNDS]
set -euo pipefail
out=${1:?usage: engine_sitting.sh OUT.jsonl [ROUNDS]}
rounds=${2:-3}
# configuration | the C# variants run beside PyTorch 2.6 (fp32 bf16 ort)
configs=(
  "--mode train --size 64 --netG resnet_6blocks --ngf 32 --ndf 32 --iters 10 --warmup 2 --threads 2|fp32 bf16"
  "--mode train --size 128 --netG resnet_9blocks --ngf 64 --ndf 64 --iters 3 --warmup 1 --threads 2|fp32 bf16"
  "--mode infer --size 256 --netG resnet_9blocks --ngf 64 --iters 4 --warmup 1 --threads 2|fp32 bf16 ort"
  "--mode infer --model pix2pix --size 256 --netG unet_256 --ngf 64 --iters 4 --warmup 1 --threads 2|fp32 bf16 ort"
  "--mode infer --size 1024 --netG resnet_9blocks --ngf 64 --iters 2 --warmup 1 --threads 2|fp32 bf16 ort"
  "--mode infer --model pix2pix --size 1024 --netG unet_256 --ngf 64 --iters 3 --warmup 1 --threads 2|fp32 bf16 ort"
)
source "$(dirname "${BASH_SOURCE[0]}")/sitting-common.sh"
load() { cut -d' ' -f1 /proc/loadavg; }
with_load() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["load"]=sys.argv[2]; d["glibc_tunables"]=sys.argv[3]; print(json.dumps(d))' "$1" "$(load)" "$2"; }
for r in $(seq 1 "$rounds"); do
  for entry in "${configs[@]}"; do
    c=${entry%%|*}
    for v in ${entry#*|}; do
      case $v in
        fp32) extra="" ;;
        bf16) extra="--precision bf16" ;;
        ort) extra="--impl onnxruntime" ;;
      esac
      # the launcher sets glibc.malloc.hugetlb=1 (see ./cyclegan)
      with_load "$(tag "$("$root/cyclegan" bench $c $extra 2>/dev/null | tail -1)" "$r" csharp)" "glibc.malloc.hugetlb=1" >>"$out"
    done
    # PyTorch as its users run it, and with the launcher's huge pages (runner pt26thp) for 256 px inference
    with_load "$(tag "$("$shared/torch26_bench.sh" $c | tail -1)" "$r" pt26)" "" >>"$out"
    if [[ $c == *infer*"--size 256"* ]]; then
      with_load "$(tag "$(GLIBC_TUNABLES=glibc.malloc.hugetlb=1 "$shared/torch26_bench.sh" $c | tail -1)" "$r" pt26thp)" \
        "glibc.malloc.hugetlb=1" >>"$out"
    fi
  done
  echo "round $r done $(date -u +%H:%M:%S)" >&2
done
