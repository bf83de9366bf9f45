#!/usr/bin/env bash
# How closely a tiny CycleGAN (ngf/ndf 4, vanilla GAN, 64 px, two images, two iterations from the same init
# checkpoints, --kernels official) follows PyTorch 1.13 (Debian's python3-torch, correct kernels): % of weights
# within 2e-5, for the default run (kernel check and remedies), ONEDNN_MAX_CPU_ISA=SSE41 and AVX2.
# Usage: bench/faulty-parity.sh [WORKDIR]   (needs apt packages python3-torch python3-pil python3-numpy)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$(mktemp -d)}
netG=${NETG:-resnet_9blocks}
rm -rf "$work/data" "$work/checkpoints"
NETG=$netG /usr/bin/python3 "$here/faulty_parity.py" prepare "$work"
"$here/../cyclegan" --help >/dev/null # builds the CLI once if a source changed
for isa in default SSE41 AVX2; do
  run="$work/runs/$isa"
  rm -rf "$run" && mkdir -p "$run" && cp -r "$work/checkpoints/tiny" "$run/tiny"
  isa_env=(); [ "$isa" = default ] || isa_env=(ONEDNN_MAX_CPU_ISA=$isa) # read by oneDNN at its first primitive
  env "${isa_env[@]}" "$here/../cyclegan" train --dataroot "$work/data" --name tiny --checkpoints_dir "$run" --model cycle_gan \
    --netG "$netG" --ngf 4 --ndf 4 --gan_mode vanilla --load_size 64 --crop_size 64 --preprocess none --no_flip \
    --serial_batches --continue_train --epoch init --n_epochs 1 --n_epochs_decay 0 --save_epoch_freq 1 \
    --kernels official > "$run/train.log" 2>&1
  echo "{\"run\": \"$isa\", \"netG\": \"$netG\", \"check\": \"$(grep -o 'convolution kernel check.*' "$run/train.log" | head -1)\"}"
  NETG=$netG /usr/bin/python3 -W ignore "$here/faulty_parity.py" compare "$work" "$run/tiny"
done
