#!/usr/bin/env bash
# Fixtures for the bad-input suite: small valid files the cases corrupt or misuse.
# usage: setup_fixtures.sh SNNCOSIM WRITE_EXAMPLE SOURCE_DIR FIXTURE_DIR [WRITE_NIR_EXAMPLES]
set -euo pipefail
bin=$1 write_example=$2 src=$3 fix=$4 write_nir=${5:-}
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 OMP_NUM_THREADS=1
rm -rf "$fix"
mkdir -p "$fix"
"$write_example" "$fix" >/dev/null
# NIR graphs (conv.nir and broken variants, training/interop/tests/write_examples.cpp).
[[ -z $write_nir ]] || "$write_nir" "$fix/nir" >/dev/null
# The tiny experiment with absolute paths, so cases may copy and edit it anywhere.
sed -e "s#\.\./\.\./\.\./\.\./#$src/#g" -e "s#^seed: 3#seed: 3\noutput_dir: $fix/runs#" \
  "$src/apps/snncosim/tests/experiments/tiny.yaml" >"$fix/tiny.yaml"
"$bin" -q train "$fix/tiny.yaml" --set training.epochs=2 --run-dir "$fix/tiny_run" >/dev/null
test -f "$fix/tiny_run/checkpoint.bin"
"$bin" -q export "$fix/tiny.yaml" --set training.epochs=2 --checkpoint "$fix/tiny_run/checkpoint.bin" \
  --model "$fix/tiny_model.h5" --traces "$fix/tiny_traces.h5" --samples 2 >/dev/null
echo "fixtures in $fix"
