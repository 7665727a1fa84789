#!/usr/bin/env bash
# The final weights in one call on a rented GPU (issue 3): the default network at ×2/×3/×4 and SRCNN at
# ×2/×3/×4, six `manage.py train` runs side by side on the one GPU, each with the same time budget (--minutes:
# the cosine schedule follows the elapsed time, so every run ends on time however the GPU is shared).
#
#   STAGE=first MINUTES=8 OUT=/tmp/out scripts/train_gpu.sh      (DEVICE=cpu MINUTES=0.2 for a dry run here)
#   STAGE=polish MINUTES=3 OUT=/tmp/out scripts/train_gpu.sh     (after installing the first stage's weights)
#
# Needs python3 with torch, numpy, pillow, safetensors, tqdm and matplotlib, and Django: from .whl/ when that
# folder is there (the GPU image has no Django; srsite.settings_engine needs nothing else). The training images
# come from ../shared/datasets, or from .gpudata/ (lossless WebP copies of T91 and BSD200, small enough to
# travel with the tree). Runs and the installed weights land in runs/gpu/; with OUT set, $OUT/gpu.tar holds
# them (refreshed every 20 s, so a run cut short still brings back its best epochs). Compare the weights with
# mlcore/weights (validation PSNR in the cards) before copying them there.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${MINUTES:-6}
DEVICE=${DEVICE:-cuda}
PY=${PY:-python3}
STEPS=${STEPS:-1000}  # steps per epoch: one validation each

if [ -d .whl ]; then
  $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
  export PYTHONPATH=/tmp/site
fi
if [ ! -e ../shared/datasets ] && [ -d .gpudata ]; then
  mkdir -p ../shared && ln -s "$PWD/.gpudata" ../shared/datasets
fi
export DJANGO_SETTINGS_MODULE=srsite.settings_engine PYTHONUNBUFFERED=1
$PY -c "import torch, django; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'django', django.__version__)"

out=runs/gpu
mkdir -p "$out/zoo"
pack() {
  [ -n "${OUT:-}" ] || return 0
  # logs grow while we read them: tar says so and exits 1, which is fine here
  tar -cf "$OUT/gpu.tmp" --warning=no-file-changed --exclude='*.pt' -C runs gpu || [ $? = 1 ]
  mv "$OUT/gpu.tmp" "$OUT/gpu.tar"
}

edsr_hint="Best quality: a light EDSR-style residual network."
srcnn_hint="The report's network (SRCNN 9-1-5): classic, slower."
train() {  # run name, then train's arguments
  local name=$1
  shift
  $PY manage.py train "$@" --device "$DEVICE" --minutes "$MINUTES" --steps-per-epoch "$STEPS" --threads 2 \
    --run-dir "$out/$name" --zoo-dir "$out/zoo" --install >"$out/$name.log" 2>&1
}

pids=()
first() {  # from scratch (×3, ×4) or from the CPU-trained weights (×2, SRCNN): 8 minutes on an H100
  train edsr_lite_x2 edsr_lite --scale 2 --arch-arg width=32 blocks=6 --batch-size 32 --patch-size 64 --lr 1e-3 \
    --loss l1 --init-from mlcore/weights/edsr_lite_x2.safetensors --hint "$edsr_hint" &
  pids+=($!)
  train edsr_lite_x3 edsr_lite --scale 3 --arch-arg width=48 blocks=6 --batch-size 32 --patch-size 48 --lr 7e-4 \
    --loss l1 --hint "$edsr_hint" &
  pids+=($!)
  train edsr_lite_x4 edsr_lite --scale 4 --arch-arg width=64 blocks=6 --batch-size 32 --patch-size 48 --lr 5e-4 \
    --loss l1 --hint "$edsr_hint" &
  pids+=($!)
  for scale in 2 3 4; do
    train "srcnn_x$scale" srcnn --scale "$scale" --batch-size 64 --patch-size $((96 / scale)) --lr 5e-4 --loss mse \
      --init-from "mlcore/weights/srcnn_x$scale.safetensors" --hint "$srcnn_hint" &
    pids+=($!)
  done
}

polish() {  # a second, shorter cosine cycle from the installed weights (3 minutes; ran on an H200)
  local w=mlcore/weights
  train edsr_lite_x2 edsr_lite --scale 2 --arch-arg width=32 blocks=6 --batch-size 32 --patch-size 64 --lr 3e-4 \
    --loss l1 --init-from $w/edsr_lite_x2.safetensors --hint "$edsr_hint" &
  pids+=($!)
  train edsr_lite_x3 edsr_lite --scale 3 --arch-arg width=48 blocks=6 --batch-size 32 --patch-size 48 --lr 2e-4 \
    --loss l1 --init-from $w/edsr_lite_x3.safetensors --hint "$edsr_hint" &
  pids+=($!)
  train edsr_lite_x4 edsr_lite --scale 4 --arch-arg width=64 blocks=6 --batch-size 32 --patch-size 48 --lr 1.5e-4 \
    --loss l1 --init-from $w/edsr_lite_x4.safetensors --hint "$edsr_hint" &
  pids+=($!)
  train srcnn_x3 srcnn --scale 3 --batch-size 64 --patch-size 32 --lr 1.5e-4 --loss mse \
    --init-from $w/srcnn_x3.safetensors --hint "$srcnn_hint" &
  pids+=($!)
}

"${STAGE:-first}"

status=0
while true; do
  running=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && running=1; done
  pack
  [ $running = 1 ] || break
  sleep 20
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
pack
for log in "$out"/*.log; do
  echo "== $log"
  tr '\r' '\n' <"$log" | grep -E '^(epoch|best|installed)|Error|error' | tail -4
done
exit $status
