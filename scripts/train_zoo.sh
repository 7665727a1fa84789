#!/usr/bin/env bash
# Trains every shipped model, in order, installing each into mlcore/weights as it improves.
# The CPU part: run it in the background, niced:
#   nice -n 10 scripts/train_zoo.sh [STAGE...]      stages: edsr2 small srcnn (default: all)
# Then the GPU part, which made the final edsr_lite ×2/×3/×4 and srcnn weights from these (docs/models.md):
#   STAGE=first MINUTES=8 scripts/train_gpu.sh; copy runs/gpu/zoo/* into mlcore/weights
#   STAGE=polish MINUTES=3 scripts/train_gpu.sh; copy runs/gpu/zoo/* into mlcore/weights
# and last, on the CPU again: scripts/train_zoo.sh finish (the ×2/×3 runs shared the two cores, one thread each)
# Each model card records the exact command that produced its weights; docs/models.md has the table.
# To continue a stage later, add --resume (same run folder) or
# --init-from mlcore/weights/<name>_x<scale>.safetensors (committed weights) to its command.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG=${DJANGO_DEBUG:-1}  # a development run: the settings need no secret key
source scripts/zoo_models.sh
PY=${PY:-.venv/bin/python}
THREADS=${THREADS:-2}
train() { $PY manage.py train "$@" --threads "$THREADS" --install; }

edsr2() {
  # a 32×4 body: the GPU's first stage grows it to the shipped 32×8 (the tensors that match)
  train edsr_lite --scale 2 --arch-arg width=32 blocks=4 --epochs 8 --steps-per-epoch 500 --batch-size 16 \
    --patch-size 48 --lr 5e-4 --loss l1 --hint "$EDSR_HINT"
  # a second cosine cycle from those weights (val 33.68 → 33.83 dB)
  train edsr_lite --scale 2 --arch-arg width=32 blocks=4 --epochs 6 --steps-per-epoch 500 --batch-size 16 \
    --patch-size 48 --lr 3e-4 --loss l1 --init-from mlcore/weights/edsr_lite_x2.safetensors --hint "$EDSR_HINT"
}

small() {
  train fsrcnn --scale 2 --epochs 2 --steps-per-epoch 500 --batch-size 16 --patch-size 32 --lr 1e-3 --loss l1 \
    --hint "$FSRCNN_HINT"
  for scale in 3 4; do  # as the FSRCNN paper: all but the deconvolution's stride is shared with ×2
    train fsrcnn --scale "$scale" --epochs 3 --steps-per-epoch 500 --batch-size 16 --patch-size 32 --lr 1e-3 \
      --loss l1 --init-from mlcore/weights/fsrcnn_x2.safetensors --hint "$FSRCNN_HINT"
  done
  for scale in 2 3 4; do
    train espcn --scale "$scale" --epochs 2 --steps-per-epoch 500 --batch-size 16 --patch-size 32 --lr 1e-3 \
      --loss l1 --hint "$ESPCN_HINT"
  done
}

srcnn() {
  train srcnn --scale 3 --epochs 6 --steps-per-epoch 500 --batch-size 32 --patch-size 16 --lr 1e-3 --loss mse \
    --hint "$SRCNN_HINT"
  for scale in 2 4; do  # SRCNN works at high resolution: its ×3 weights fit every scale as a start
    train srcnn --scale "$scale" --epochs 3 --steps-per-epoch 500 --batch-size 32 --patch-size 16 --lr 5e-4 \
      --loss mse --init-from mlcore/weights/srcnn_x3.safetensors --hint "$SRCNN_HINT"
  done
}

finish() {  # after the GPU stages: a short fine-tune with MSE (PSNR's own loss) at a low rate, on the CPU
  local scale minutes steps
  for scale in 2 3 4; do
    minutes=$((scale == 4 ? 27 : 50)) steps=$((scale == 2 ? 300 : 150))
    # shellcheck disable=SC2086  # the body is several KEY=VALUE words
    train edsr_lite --scale "$scale" --arch-arg ${EDSR_BODY[$scale]} --batch-size 16 --lr 5e-5 --loss mse \
      --minutes "$minutes" --steps-per-epoch "$steps" --init-from "mlcore/weights/edsr_lite_x$scale.safetensors" \
      --hint "$EDSR_HINT"
  done
}

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(edsr2 small srcnn)
for stage in "${stages[@]}"; do "$stage"; done
