#!/bin/sh
# expect_exit.sh RC PATTERN COMMAND...: runs COMMAND, passes when it exits with RC and its
# combined output contains PATTERN (fixed string).
want=$1; pattern=$2; shift 2
out=$("$@" 2>&1); rc=$?
echo "$out"
[ "$rc" -eq "$want" ] || { echo "exit code $rc, expected $want"; exit 1; }
printf '%s' "$out" | grep -q -F -- "$pattern" || { echo "output lacks: $pattern"; exit 1; }
