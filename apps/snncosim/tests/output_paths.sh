#!/usr/bin/env bash
# Output paths that are unusual but valid (docs/cli.md "Output files").
# usage: output_paths.sh SNNCOSIM SOURCE_DIR FIXTURE_DIR CASE   (fixtures of bad_input/setup)
set -euo pipefail
bin=$1 src=$2 fix=$3 case=$4
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 OMP_NUM_THREADS=1
W=$(mktemp -d "${TMPDIR:-/tmp}/output_paths.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W"
fail() { echo "FAIL: $*" >&2; exit 1; }
hw=$src/yaml/hardware/default.yaml
case $case in
vcd_creates_its_folder)
  # Like --log: the folders of an output file are made when it is written.
  "$bin" -q simulate --model "$fix/model.h5" --traces "$fix/trace.h5" --hardware "$hw" --platform "$src/platforms/zcu102.yaml" \
    --vcd new/deeper/x.vcd --log logs/sim.log >/dev/null
  [[ -s new/deeper/x.vcd && -s logs/sim.log ]] || fail "VCD or log not written"
  grep -q '^\$enddefinitions' new/deeper/x.vcd || fail "not a VCD file"
  [[ -z $(find . -name '*.partial*' -o -name '*.tmp*') ]] || fail "temporaries left"
  ;;
json_with_non_utf8_path)
  # A file name may hold any byte; --json output must stay valid JSON (U+FFFD in its place).
  name=$'m\xff.h5'
  cp "$fix/model.h5" "$name"
  "$bin" --json inspect model "$name" >out.json
  /usr/bin/python3 -c 'import json,sys; d=json.load(open("out.json")); assert "\ufffd" in json.dumps(d, ensure_ascii=False), d' \
    || fail "output is not JSON with the replaced byte"
  ;;
stale_temporary_removed)
  # A killed export leaves .m.h5.tmp.<pid>.<hex>; the next export of m.h5 removes it.
  sh -c 'exit 0' & dead=$!; wait $dead
  touch ".m.h5.tmp.$dead.abc"
  "$bin" -q export "$fix/tiny.yaml" --checkpoint "$fix/tiny_run/checkpoint.bin" --model m.h5 --traces t.h5 \
    --samples 1 --eval-samples 4 >/dev/null
  [[ -s m.h5 && -s t.h5 ]] || fail "export wrote nothing"
  [[ ! -e ".m.h5.tmp.$dead.abc" ]] || fail "stale temporary still there"
  ;;
*) fail "unknown case $case" ;;
esac
echo "ok: $case"
