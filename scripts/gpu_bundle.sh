#!/usr/bin/env bash
# Makes what scripts/train_gpu.sh needs to travel to a rented GPU, inside the repo but git-ignored (copy both
# to the GPU machine with the tree; together about 50 MB):
#   .gpudata/  T91 and BSD200 as lossless WebP (42 MB instead of 61; every pixel checked equal to the PNG), and
#              Set5 and Set14 for benchmarks/cuda_check.py (never trained on: train reads T91 and BSD200)
#   .whl/      Django at requirements.txt's version and what it needs, pure-Python wheels (the GPU image has none)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
for path in /.gpudata/ /.whl/; do grep -qxF "$path" .git/info/exclude || echo "$path" >>.git/info/exclude; done

DJANGO_SETTINGS_MODULE=srsite.settings_engine $PY - <<'PYTHON'
from pathlib import Path

import numpy as np
from django.conf import settings
from PIL import Image

for name in ("T91", "BSD200", "Set5", "Set14"):  # the last two for the CUDA check only
    out = Path(".gpudata") / name
    out.mkdir(parents=True, exist_ok=True)
    for source in sorted((settings.SRSITE_DATA_ROOT / name).glob("*.png")):
        target = out / f"{source.stem}.webp"
        with Image.open(source) as image:
            rgb = np.asarray(image.convert("RGB"))
            image.save(target, "WEBP", lossless=True, quality=50, method=2)
        with Image.open(target) as copy:
            assert (np.asarray(copy.convert("RGB")) == rgb).all(), f"{target} differs from {source}"
    print(f"{out}: {len(list(out.glob('*.webp')))} images")
PYTHON

$PY -m pip download -q --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux2014_x86_64 -d .whl "$(grep -E '^django==' requirements.txt)"
ls .whl
