#!/usr/bin/env bash
# Runs one case of the table-driven bad-input suite (docs/testing.md "Bad input").
# usage: run_case.sh SNNCOSIM SOURCE_DIR FIXTURE_DIR CASES_FILE CASE
#
# A cases file is bash: one function `case_<name>` per case. It runs in a fresh, empty work
# folder $W (the current directory) and may create inputs there; then it sets
#   args=(...)       the snncosim arguments (required)
#   expect='regex'   extended regex the error message must match (case-insensitive, required)
#   absent=(...)     paths (globs, relative to $W) that must not exist afterwards
#   unchanged=(...)  files that must be byte-identical afterwards
#   rc=2             the expected exit status (default 2)
# Available: $BIN (snncosim), $SRC (source tree), $FIX (fixtures: model.h5, trace.h5 from
# numerics_write_example; tiny.yaml and its trained run folder tiny_run/ with checkpoint.bin),
# $H5EDIT (numerics_h5_edit: rewrites one attribute or dataset of an HDF5 file).
# Every case also checks: one message on stderr that starts with "error:", no C++ exception or
# sanitizer text, nothing on stdout, and no temporary or partial file left in $W.
set -uo pipefail
BIN=$1 SRC=$2 FIX=$3 cases=$4 name=$5
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 OMP_NUM_THREADS=1
W=$(mktemp -d "${TMPDIR:-/tmp}/bad_input.XXXXXX")
trap 'chmod -R u+w "$W" 2>/dev/null; rm -rf "$W"' EXIT
cd "$W" || exit 1
args=() expect='' absent=() unchanged=() rc=2
# shellcheck source=/dev/null
source "$cases"
declare -F "case_$name" >/dev/null || { echo "FAIL: no case_$name in $cases"; exit 1; }
"case_$name" || { echo "FAIL: setup of $name failed"; exit 1; }
[[ ${#args[@]} -gt 0 && -n $expect ]] || { echo "FAIL: case $name sets no args or expect"; exit 1; }
declare -A sums=()
for f in "${unchanged[@]}"; do sums[$f]=$(md5sum <"$f"); done
before=$(find . -mindepth 1 | sort)
timeout 120 "$BIN" "${args[@]}" >"$W/.stdout" 2>"$W/.stderr"
got=$?
out=$(cat "$W/.stdout") err=$(cat "$W/.stderr")
rm -f "$W/.stdout" "$W/.stderr"
fail=0
bad() { echo "FAIL: $*"; fail=1; }
[[ $got -eq $rc ]] || bad "exit $got, expected $rc"
[[ $err =~ ^error: ]] || bad "stderr does not start with 'error:'"
[[ $(grep -c . <<<"$err") -le 2 ]] || bad "more than two lines on stderr"
grep -Eqi -- "$expect" <<<"$err" || bad "message does not match /$expect/"
grep -Eq 'terminate called|what\(\)|Sanitizer|runtime error:|Segmentation|Aborted|std::|nlohmann|filesystem error' <<<"$err" \
  && bad "raw exception or crash text"
[[ -z $out ]] || bad "stdout not empty: ${out:0:300}"
for p in "${absent[@]}"; do
  compgen -G "$p" >/dev/null && bad "left behind: $p"
done
leftovers=$(find . -mindepth 1 \( -name '*.tmp*' -o -name '*.partial*' -o -name '.*.tmp*' \) | sort)
[[ -z $leftovers ]] || bad "temporary files left: $leftovers"
for f in "${unchanged[@]}"; do
  [[ $(md5sum <"$f" 2>/dev/null) == "${sums[$f]}" ]] || bad "$f was changed"
done
after=$(find . -mindepth 1 | sort)
if [[ $fail -ne 0 ]]; then
  echo "command: $BIN ${args[*]}"; echo "stderr: $err"
  echo "files created: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')"
  exit 1
fi
echo "ok ($name): $err"
