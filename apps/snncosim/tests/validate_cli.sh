#!/usr/bin/env bash
# End-to-end checks of `snncosim validate` as a user runs it: exit codes and the one-line
# messages with file:line:column for an unknown key, a wrong type and a value out of range.
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

expect() {  # expect NAME RC PATTERN -- command...
  local name=$1 rc_want=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$rc_want" ] || ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL $name: rc=$rc (want $rc_want), output: $out"
    fail=1
  else
    echo "ok   $name"
  fi
}

shipped=$(ls "$src"/yaml/experiments/*.yaml "$src"/yaml/networks/*.yaml "$src"/yaml/hardware/*.yaml "$src"/platforms/*.yaml)
expect "every shipped file validates" 0 "ok \(" -- "$bin" validate $shipped

cp "$src/yaml/hardware/default.yaml" "$tmp/unknown.yaml"
sed -i 's/  neuron_cores: 1/  neuron_cors: 1/' "$tmp/unknown.yaml"
expect "unknown key" 2 "^error: .*unknown.yaml:[0-9]+:3: layer_defaults.neuron_cors: unknown key; expected one of: neuron_cores" -- "$bin" validate "$tmp/unknown.yaml"

cp "$src/yaml/hardware/default.yaml" "$tmp/type.yaml"
sed -i 's/  spike_fifo_depth: 16/  spike_fifo_depth: deep/' "$tmp/type.yaml"
expect "wrong type" 2 "^error: .*type.yaml:[0-9]+:3: layer_defaults.spike_fifo_depth: got 'deep'; expected an integer" -- "$bin" validate "$tmp/type.yaml"

cp "$src/platforms/zcu102.yaml" "$tmp/range.yaml"
sed -i 's/^clock_mhz: 200/clock_mhz: 5000/' "$tmp/range.yaml"
expect "out of range" 2 "^error: .*range.yaml:[0-9]+:1: clock_mhz: value 5000 is out of range; expected a number in \[1, 1500\] \(MHz\)" -- "$bin" validate "$tmp/range.yaml"

expect "override type error" 2 "^error: --set hardware.clock_mhz=abc: hardware.clock_mhz: got 'abc'" -- \
  "$bin" validate "$src/yaml/experiments/validate_example.yaml" --set hardware.clock_mhz=abc
expect "missing file" 2 "^error: $tmp/none.yaml: file not found" -- "$bin" validate "$tmp/none.yaml"
expect "json output" 2 '"ok": false' -- "$bin" --json validate "$tmp/range.yaml"
expect "unknown option" 2 "" -- "$bin" validate --no-such-option x.yaml
expect "help lists validate" 0 "validate" -- "$bin" --help
exit $fail
