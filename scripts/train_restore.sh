#!/usr/bin/env bash
# Train the restoring (photo) models edsr_lite_restore ×2/×3/×4 on degraded LR (docs/restoration.md), the
# three scales side by side, one thread each, niced. They start from the shipped clean edsr_lite weights,
# or with FROM=restore from the shipped restoring weights (to continue training on a fresh machine).
# Installs into ZOO (default runs/zoo_restore; ZOO=mlcore/weights installs each improving epoch in place).
#   MINUTES=80 scripts/train_restore.sh        FROM=restore MINUTES=60 ZOO=mlcore/weights scripts/train_restore.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG=${DJANGO_DEBUG:-1}  # a development run: the settings need no secret key
. scripts/zoo_models.sh
MINUTES=${MINUTES:-80} FROM=${FROM:-clean} ZOO=${ZOO:-runs/zoo_restore} LR=${LR:-2e-4}
mkdir -p runs
# The body of the weights a run starts from, from their card ("width=32 blocks=8"): the clean ×2 has grown
# past the photo model's, and --init-from copies only the tensors that match (train names the others).
body_of() {
  .venv/bin/python -c 'import sys; from mlcore.checkpoints import read_card
print(" ".join(f"{k}={v}" for k, v in read_card(sys.argv[1]).get("arch_args", {}).items()))' "${1%.safetensors}.json"
}
pids=()
for scale in 2 3 4; do
  init=mlcore/weights/edsr_lite_x$scale.safetensors
  [ "$FROM" = restore ] && init=mlcore/weights/edsr_lite_restore_x$scale.safetensors
  # shellcheck disable=SC2046  # the body is several KEY=VALUE words
  nice -n 19 .venv/bin/python manage.py train edsr_lite --scale "$scale" --arch-arg $(body_of "$init") \
    --name edsr_lite_restore --degradation realistic --init-from "$init" --lr "$LR" --minutes "$MINUTES" \
    --steps-per-epoch 300 --threads 1 --run-dir "runs/restore_x$scale" --zoo-dir "$ZOO" --install \
    --hint "$RESTORE_HINT" >"runs/restore_x$scale.log" 2>&1 &
  pids+=($!)
done
echo "training ×2 ×3 ×4 (pids ${pids[*]}); logs in runs/restore_x*.log"
wait "${pids[@]}"
