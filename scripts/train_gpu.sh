#!/usr/bin/env bash
# The final weights in one sitting on a rented GPU: the default network at ×2/×3/×4 and SRCNN,
# several `manage.py train` runs side by side on the one GPU, each with the same time budget (--minutes:
# the cosine schedule follows the elapsed time, so every run ends on time however the GPU is shared).
#
#   STAGE=first MINUTES=8 OUT=/tmp/out scripts/train_gpu.sh      (DEVICE=cpu MINUTES=0.2 for a dry run here)
#   STAGE=polish MINUTES=3 OUT=/tmp/out scripts/train_gpu.sh     (after installing the first stage's weights)
#   STAGE=close MINUTES=10 OUT=/tmp/out scripts/train_gpu.sh     (deeper ×3/×4 bodies; see close below)
#   ... and then, on CUDA, the CUDA check (benchmarks/cuda_check.py) in the same call: $out/cuda.md
#
# Needs python3 with torch, numpy, pillow, safetensors, tqdm and matplotlib, and Django: from .whl/ when that
# folder is there (a GPU image without Django; srsite.settings_engine needs nothing else). The training images
# come from SRSITE_DATA_ROOT, or from .gpudata/ (lossless WebP copies of T91 and BSD200, small enough to
# travel with the tree) when that has no T91. scripts/gpu_bundle.sh makes both folders here; copy them to the
# GPU machine with the tree. Runs and the installed weights land in runs/gpu/; with OUT set, $OUT/gpu.tar holds
# them (refreshed every 20 s, so a run cut short still brings back its best epochs). Compare the weights with
# mlcore/weights (validation PSNR in the cards) before copying them there.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/zoo_models.sh
MINUTES=${MINUTES:-6}
DEVICE=${DEVICE:-cuda}
PY=${PY:-python3}
STEPS=${STEPS:-1000}  # steps per epoch: one validation each

if [ -d .whl ]; then
  $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
  export PYTHONPATH=/tmp/site
fi
export DJANGO_SETTINGS_MODULE=srsite.settings_engine PYTHONUNBUFFERED=1
data_root=$($PY -c "from django.conf import settings; print(settings.SRSITE_DATA_ROOT)")
if [ ! -d "$data_root/T91" ] && [ -d .gpudata ]; then
  export SRSITE_DATA_ROOT=$PWD/.gpudata
fi
$PY -c "import torch, django; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'django', django.__version__)"

out=runs/gpu
mkdir -p "$out/zoo"
pack() {
  [ -n "${OUT:-}" ] || return 0
  # logs grow while we read them: tar says so and exits 1, which is fine here
  tar -cf "$OUT/gpu.tmp" --warning=no-file-changed --exclude='*.pt' -C runs gpu || [ $? = 1 ]
  mv "$OUT/gpu.tmp" "$OUT/gpu.tar"
}

train() {  # run name, then train's arguments; in the background
  local name=$1
  shift
  $PY manage.py train "$@" --device "$DEVICE" --minutes "$MINUTES" --steps-per-epoch "$STEPS" --threads 2 \
    --run-dir "$out/$name" --zoo-dir "$out/zoo" --install >"$out/$name.log" 2>&1 &
  pids+=($!)
}
edsr() {  # scale, base learning rate, then more of train's arguments (a later --arch-arg or --batch-size wins)
  local scale=$1 lr=$2
  shift 2
  # shellcheck disable=SC2086  # the body is several KEY=VALUE words
  train "edsr_lite_x$scale" edsr_lite --scale "$scale" --arch-arg ${EDSR_BODY[$scale]} --batch-size 32 \
    --patch-size $((scale == 2 ? 64 : 48)) --lr "$lr" --loss l1 --hint "$EDSR_HINT" "$@"
}
srcnn() {  # scale, base learning rate, patch side (LR pixels), then more of train's arguments
  local scale=$1 lr=$2 patch=$3
  shift 3
  train "srcnn_x$scale" srcnn --scale "$scale" --batch-size 64 --patch-size "$patch" --lr "$lr" --loss mse \
    --init-from "mlcore/weights/srcnn_x$scale.safetensors" --hint "$SRCNN_HINT" "$@"
}

pids=()
first() {  # ×3, ×4 from scratch; ×2 and SRCNN from the CPU-trained weights: 8 minutes on an H100
  edsr 2 1e-3 --init-from mlcore/weights/edsr_lite_x2.safetensors
  edsr 3 7e-4
  edsr 4 5e-4
  for scale in 2 3 4; do srcnn "$scale" 5e-4 $((96 / scale)); done
}

polish() {  # a second, shorter cosine cycle from the installed weights (3 minutes; ran on an H200)
  edsr 2 3e-4 --init-from mlcore/weights/edsr_lite_x2.safetensors
  edsr 3 2e-4 --init-from mlcore/weights/edsr_lite_x3.safetensors
  edsr 4 1.5e-4 --init-from mlcore/weights/edsr_lite_x4.safetensors
  srcnn 3 1.5e-4 32
}

# The bodies `close` trains: deeper at ×3/×4 where the speed budget has room (docs/models.md, "Speed"); ×2 as shipped.
declare -A CLOSE_BODY=([2]="width=32 blocks=8" [3]="width=48 blocks=8" [4]="width=64 blocks=9")
RESCALE="0.9 0.8 0.7 0.6"
close() {  # deeper ×3/×4 bodies and fsrcnn (MINUTES=10; not yet run on a GPU): what the first stages taught
  # Four network runs (and two tiny fsrcnn ones), not six, with bigger batches: the first stages' runs each
  # went ~45-50 steps/s whatever their size, the mark of processes taking turns on one GPU with a host sync
  # every step (now every 10).
  local scale
  for scale in 2 3 4; do  # from the shipped weights, deepened with identity blocks where the body grows
    $PY scripts/grow_edsr.py "mlcore/weights/edsr_lite_x$scale.safetensors" "$out/start_x$scale.safetensors" \
      --blocks "${CLOSE_BODY[$scale]##*=}"
  done
  # Each with scale augmentation (--rescale: the training images also shrunk by each factor, VDSR's and
  # FSRCNN's recipe), which on the CPU lifted Set5 by +0.05-0.09 dB at ×2/×3, fsrcnn included (docs/models.md).
  # shellcheck disable=SC2086  # the body is several KEY=VALUE words
  for scale in 2 3 4; do
    edsr "$scale" $((scale == 2 ? 5 : 4))e-4 --arch-arg ${CLOSE_BODY[$scale]} --batch-size 64 \
      --init-from "$out/start_x$scale.safetensors" --rescale $RESCALE
  done
  srcnn 3 2e-4 32 --batch-size 128
  # shellcheck disable=SC2086  # RESCALE is several words
  for scale in 2 3; do  # the fast tier with its paper's recipe: on the CPU ×3 stayed 0.04 dB short of its target
    train "fsrcnn_x$scale" fsrcnn --scale "$scale" --batch-size 128 --patch-size 32 --lr 1e-3 --loss l1 \
      --init-from "mlcore/weights/fsrcnn_x$scale.safetensors" --hint "$FSRCNN_HINT" --rescale $RESCALE
  done
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
# The CUDA check in the same call (issue 12; benchmarks/cuda_check.py): every shipped model's float32 / tf32 / bf16 /
# fp16 outputs against strict float32 on Set5 + Set14, and the ×4 default's s/MP on a 12 MP input, into
# $out/cuda.md. On by default on CUDA only (CHECK=0 / CHECK=1 says otherwise); CHECK_ARGS narrows a CPU dry run
# (CHECK=1 CHECK_ARGS="--megapixels 0.004 --models espcn --datasets Set5").
if [ "${CHECK:-$([ "$DEVICE" = cuda ] && echo 1 || echo 0)}" = 1 ]; then
  # shellcheck disable=SC2086  # CHECK_ARGS is several words
  $PY benchmarks/cuda_check.py --device "$DEVICE" --out "$out/cuda.md" ${CHECK_ARGS:-} >"$out/cuda_check.log" 2>&1 || status=1
  tail -n 40 "$out/cuda_check.log"
  pack
fi
for log in "$out"/*.log; do
  echo "== $log"
  tr '\r' '\n' <"$log" | grep -E '^(epoch|best|installed)|Error|error' | tail -4
done
exit $status
