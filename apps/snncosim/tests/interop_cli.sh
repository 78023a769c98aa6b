#!/usr/bin/env bash
# Real-process tests of NIR interop (docs/interop.md): a NIR conv graph through import ->
# infer --nir -> simulate -> cosim, our trained network out with `export --nir` and back,
# and graphs written by the NIR reference package. Exit 77 = skipped (ctest SKIP_RETURN_CODE).
# usage: interop_cli.sh SNNCOSIM WRITE_EXAMPLES SOURCE_DIR WORK_DIR HAVE_RTL CASE
set -euo pipefail
bin=$1 write_examples=$2 src=$3 work=$4 have_rtl=$5 case=$6
export OMP_NUM_THREADS=1 SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
rm -rf "${work:?}/$case"
mkdir -p "$work/$case"
cd "$work/$case"
py=/usr/bin/python3
nir_pkg=$src/../shared/anchors/nir
fail() { echo "FAIL: $*" >&2; exit 1; }
hw=(--hardware "$src/yaml/hardware/default.yaml" --platform "$src/platforms/zcu102.yaml")
# The tiny experiments with absolute paths: their test split (moving bars, 2x8x8, 2 classes).
sed "s#\.\./\.\./\.\./\.\./#$src/#g" "$src/apps/snncosim/tests/experiments/tiny.yaml" >tiny.yaml
sed "s#\.\./\.\./\.\./\.\./#$src/#g" "$src/apps/snncosim/tests/experiments/nir_tiny.yaml" >nir_tiny.yaml
need_python_nir() {
  PYTHONPATH=$nir_pkg $py -c "import nir, h5py, numpy" 2>/dev/null && return 0
  echo "SKIPPED: needs /usr/bin/python3 with numpy, h5py and the NIR reference package in $nir_pkg"
  exit 77
}

# import -> infer --nir -> simulate -> cosim of one NIR file; $1 = the file.
pipeline() {
  local nir=$1
  "$bin" -q --json import "$nir" --out model.h5 --experiment tiny.yaml --traces traces.h5 --samples 4 >import.json
  grep -q '"integer_accuracy"' import.json || fail "import printed no comparison"
  "$bin" -q --json infer tiny.yaml --integer --nir "$nir" --samples 8 >infer.json
  grep -q '"samples": 8' infer.json || fail "infer --nir did not run 8 samples"
  "$bin" -q --json simulate --model model.h5 --traces traces.h5 "${hw[@]}" >sim.json
  $py - sim.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
s = j["samples"]
assert len(s) == 4, len(s)
assert all(x["checked_against"] == "trace file" for x in s), s
print("simulate: mean latency", sum(x["latency_cycles"] for x in s) / len(s), "cycles")
PY
  if [[ $have_rtl == 1 ]]; then
    "$bin" -q --json cosim --model model.h5 --traces traces.h5 "${hw[@]}" >cosim.json
    grep -q '"mismatches": 0,' cosim.json || fail "cosim mismatches: $(grep mismatches cosim.json)"
    echo "cosim: 0 mismatches"
  fi
}

case $case in
import_simulate_cosim)
  "$write_examples" . >/dev/null
  pipeline conv.nir
  # Pools of spikes folded into a 6x6 stride-2 conv and a linear layer: random input traces.
  "$bin" -q import spike_pool.nir --out sp.h5 >/dev/null
  if [[ $have_rtl == 1 ]]; then
    "$bin" -q --json cosim --model sp.h5 --random-traces 2 --steps 6 --seed 3 "${hw[@]}" >sp_cosim.json
    grep -q '"mismatches": 0,' sp_cosim.json || fail "spike_pool cosim mismatches"
  fi
  ;;
reference_package_graph)
  need_python_nir
  # A conv graph built and written by the reference package itself (gzip, h5py strings).
  PYTHONPATH=$nir_pkg $py "$src/docs/examples/write_nir_conv.py" ref_conv.nir >/dev/null
  pipeline ref_conv.nir
  ;;
export_nir_round_trip)
  "$bin" -q train nir_tiny.yaml --run-dir run >/dev/null
  "$bin" -q --json export nir_tiny.yaml --checkpoint run/best.bin --model ours.h5 --traces ours_traces.h5 \
    --samples 2 --nir ours.nir >export.json
  grep -q '"nir": "ours.nir"' export.json || fail "export --json does not name the NIR file"
  # Back in: the same integer model (provenance aside).
  "$bin" -q import ours.nir --out back.h5 --experiment nir_tiny.yaml >/dev/null
  "$bin" --json inspect model ours.h5 | grep -v -e '"file"' -e '"provenance"' -e '"git_sha"' -e '"seed"' \
    -e '"created_by"' -e '"notes"' >ours.json
  "$bin" --json inspect model back.h5 | grep -v -e '"file"' -e '"provenance"' -e '"git_sha"' -e '"seed"' \
    -e '"created_by"' -e '"notes"' >back.json
  diff ours.json back.json >/dev/null || { diff ours.json back.json | head -20; fail "round trip changed the model"; }
  echo "round trip: same integer model"
  # The maxpool network of tiny.yaml cannot go out: exit 2 naming the layer, nothing written.
  "$bin" -q train tiny.yaml --run-dir tiny_run --set training.epochs=1 >/dev/null
  set +e
  "$bin" -q export tiny.yaml --checkpoint tiny_run/checkpoint.bin --model x.h5 --traces y.h5 --nir x.nir 2>err.txt
  rc=$?
  set -e
  [[ $rc == 2 ]] || fail "export --nir of a max-pool network: exit $rc"
  grep -q "layer 'conv1' (conv): a max-pool between the conv" err.txt || fail "message: $(cat err.txt)"
  [[ ! -e x.nir && ! -e x.h5 ]] || fail "files written despite the error"
  ;;
export_nir_reads_in_reference)
  need_python_nir
  "$bin" -q train nir_tiny.yaml --run-dir run >/dev/null
  "$bin" -q export nir_tiny.yaml --checkpoint run/best.bin --model ours.h5 --traces ours_traces.h5 --samples 1 \
    --nir ours.nir >/dev/null
  PYTHONPATH=$nir_pkg $py "$src/docs/examples/check_nir_export.py" ours.nir ours.h5
  ;;
*) fail "unknown case $case" ;;
esac
