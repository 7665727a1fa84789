# Sourced by train_zoo.sh and train_gpu.sh: what the shipped models are, written once.
# shellcheck shell=bash disable=SC2034
declare -A EDSR_BODY=([2]="width=32 blocks=8" [3]="width=48 blocks=6" [4]="width=64 blocks=6")  # edsr_lite per scale
EDSR_HINT="Best quality: a light EDSR-style residual network."
SRCNN_HINT="The report's network (SRCNN 9-1-5): classic, slower."
FSRCNN_HINT="Fastest: FSRCNN, works at low resolution."
ESPCN_HINT="Fast: ESPCN, sub-pixel convolution."
RESTORE_HINT="Photo model: removes JPEG blocks and noise as it enlarges."
