#!/usr/bin/env bash
# Real-process tests of `snncosim explore EXPERIMENT.yaml` and the co-design view over a
# sweep (docs/explore.md §7), on 2-point tiny experiments that train in seconds.
# usage: codesign_cli.sh SNNCOSIM SOURCE_DIR WORK_DIR CASE
set -euo pipefail
bin=$1 src=$2 work=$3 case=$4
sweep_yaml=$src/apps/snncosim/tests/experiments/codesign_tiny.yaml
run_yaml=$src/apps/snncosim/tests/experiments/single_tiny.yaml
export OMP_NUM_THREADS=1 SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
rm -rf "${work:?}/$case"
mkdir -p "$work/$case"
cd "$work/$case"
py=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }
# A small space (exhaustive, a few thousand candidates per point).
space=(--penc 8,32 --fifo 2,16)
sw=runs/codesign_tiny

case $case in
experiment_single_run)
  # Not trained yet: explore runs `snncosim run` first, then searches the run's model.
  "$bin" -q --json explore "$run_yaml" "${space[@]}" --top-k 2 >out1.json
  [[ -f runs/single_tiny/metrics.json && -f runs/single_tiny/model.h5 ]] || fail "run folder not made"
  [[ -f runs/single_tiny/explore/explore.json ]] || fail "explore.json not in the run folder"
  $py - out1.json runs/single_tiny <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["run_dir"] == sys.argv[2], j["run_dir"]
assert len(j["confirmed"]) == 2 and all(c["agree_exactly"] for c in j["confirmed"]), j["confirmed"]
# The start point is the experiment's hardware YAML (default.yaml: 16 cores, clipped to the layer).
assert j["baseline"]["mean_latency_cycles"] >= j["best"]["mean_latency_cycles"] > 0
print("single run ok")
PY
  # A second call reuses the trained run and the search state.
  "$bin" -q --json explore "$run_yaml" "${space[@]}" --top-k 2 >out2.json
  [[ $(wc -l <runs/single_tiny/history.log) == 1 ]] || fail "the run was trained twice"
  grep -q '"resumed": [1-9]' out2.json || fail "second search did not resume from state.json"
  ;;
codesign_table)
  "$bin" -q --json explore "$sweep_yaml" "${space[@]}" >cd.json
  for f in codesign.json codesign.csv codesign.md codesign.png; do
    [[ -s $sw/explore/$f ]] || fail "$f missing"
  done
  [[ $(wc -l <$sw/explore/codesign.csv) == 3 ]] || fail "codesign.csv: expected a header and 2 rows"
  # Independent check: a standalone explore of each point finds the row's best latency.
  for d in $sw/points/*/; do
    "$bin" -q --json explore --model "$d/model.h5" --traces "$d/traces.h5" --hardware "$d/hardware.yaml" \
      --platform "$d/platform.yaml" "${space[@]}" --no-confirm >"standalone_$(basename "$d").json"
  done
  $py - $sw <<'PY'
import csv, glob, json, os, sys
sw = sys.argv[1]
doc = json.load(open(sw + "/explore/codesign.json"))
sweep = json.load(open(sw + "/sweep.json"))
rows = doc["rows"]
assert len(rows) == len(sweep["points"]) == 2, len(rows)
assert {r["id"] for r in rows} == {p["id"] for p in sweep["points"]}
for r in rows:
    alone = json.load(open("standalone_%s.json" % r["id"]))
    assert r["best"]["latency_cycles"] == alone["best"]["mean_latency_cycles"], (r["id"], r["best"], alone["best"])
    m = json.load(open("%s/points/%s/metrics.json" % (sw, r["id"])))
    assert r["accuracy_integer"] == m["accuracy"]["integer"] and r["accuracy_float"] == m["accuracy"]["float"]
    assert r["tlm_latency_cycles"] == r["best"]["latency_cycles"] and r["tlm_agrees"], r
    assert r["start_latency_cycles"] > 0 and r["neuron_model"] in ("leaky", "lapicque")
    assert len(r["best"]["neuron_cores"]) == 2 and r["best"]["pipeline_mode"]
# Brute force over every feasible (point, configuration) pair.
pairs = []
for r in rows:
    for f in csv.DictReader(open(r["explore_dir"] + "/feasible.csv")):
        pairs.append((r["accuracy_integer"], float(f["score"]), float(f["max_utilisation"]), r["id"], f["key"]))
assert len(pairs) == doc["pairs"]
def dominates(a, b):
    return a[0] >= b[0] and a[1] <= b[1] and a[2] <= b[2] and (a[0] > b[0] or a[1] < b[1] or a[2] < b[2])
front = {(p["point"], p["key"]) for p in doc["joint_front"]}
nondominated = set()
for p in pairs:
    if not any(dominates(q, p) for q in pairs):
        nondominated.add((p[3], p[4]))
assert front == nondominated, (len(front), len(nondominated))
by_key = {(p[3], p[4]): p for p in pairs}
jb = doc["jointly_best"]
assert (jb["accuracy"]["point"], jb["accuracy"]["key"]) in front
assert jb["accuracy"]["accuracy_integer"] == max(p[0] for p in pairs)
assert jb["objective"]["score"] == min(p[1] for p in pairs)
assert jb["utilisation"]["max_utilisation"] == min(p[2] for p in pairs)
print("codesign ok: %d pairs, front %d" % (len(pairs), len(front)))
PY
  grep -q "Jointly best" $sw/explore/codesign.md || fail "codesign.md: no jointly-best table"
  ;;
resume_skips_finished_points)
  "$bin" -q explore "$sweep_yaml" "${space[@]}" >first.txt
  ids=($(ls $sw/explore/points))
  [[ ${#ids[@]} == 2 ]] || fail "expected 2 point folders"
  keep=$sw/explore/points/${ids[0]}/explore.json
  sum=$(md5sum <"$keep")
  # As if the view had been killed during the second point.
  rm "$sw/explore/points/${ids[1]}/explore.json" "$sw/explore/codesign.json"
  "$bin" -q --json explore "$sweep_yaml" "${space[@]}" >resume.json
  [[ "$(md5sum <"$keep")" == "$sum" ]] || fail "finished point explored again"
  [[ -f $sw/explore/points/${ids[1]}/explore.json ]] || fail "unfinished point not explored"
  $py - resume.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["reused_points"] == 1, j["reused_points"]
assert [r["reused"] for r in j["rows"]].count(True) == 1
PY
  # Other options: no point is reused.
  "$bin" -q --json explore "$sweep_yaml" "${space[@]}" --objective energy >energy.json
  grep -q '"reused_points": 0' energy.json || fail "changed options reused a point"
  ;;
budget_nothing_fits_exit_2)
  rc=0
  "$bin" explore "$sweep_yaml" "${space[@]}" --budget lut=1 2>err.txt >/dev/null || rc=$?
  [[ $rc == 2 ]] || { cat err.txt; fail "exit $rc, expected 2"; }
  [[ $(grep -c '^error: ' err.txt) == 1 ]] || fail "expected one error line"
  grep -q "^error: point 0 (network.neuron.model=leaky.*no configuration fits.*the smallest needs LUT" err.txt \
    || { cat err.txt; fail "message does not name the point and the smallest need"; }
  [[ ! -f $sw/explore/codesign.json ]] || fail "codesign.json written"
  ;;
sweep_dir_and_report)
  "$bin" -q sweep "$sweep_yaml" --out sw >/dev/null
  "$bin" -q explore --sweep-dir sw "${space[@]}" --no-confirm >/dev/null
  [[ -s sw/explore/codesign.json ]] || fail "--sweep-dir: codesign.json missing"
  "$bin" -q report sw >/dev/null
  grep -q "Co-design: best hardware per training point" sw/report/report.md || fail "report.md: no co-design table"
  for f in codesign.png; do [[ -s sw/report/$f ]] || fail "report/$f missing"; done
  grep -q '<img src="codesign.png"' sw/report/report.html || fail "report.html: no codesign plot"
  [[ $(ls sw/report/explore_*_balance.png | wc -l) == 2 ]] || fail "report: balance plots per point missing"
  # Untrained sweep folder: exit 2 naming the command that trains it.
  mkdir -p empty && cp sw/sweep.json empty/
  rc=0
  "$bin" explore --sweep-dir empty 2>err.txt || rc=$?
  [[ $rc == 2 ]] && grep -q "snncosim sweep" err.txt || fail "untrained sweep: exit $rc"
  ;;
cosim_jointly_best)
  # The RTL is built for penc 8 or 32, up to 4 lanes, FIFO depth 16 (docs/rtl.md §2).
  "$bin" -q --json explore "$sweep_yaml" --cosim >cd.json
  $py - cd.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
c = j["rtl_cosim"]
assert c["exit_status"] == 0 and c["mismatches"] == 0 and c["events_compared"] > 0, c
assert c["point"] == j["jointly_best"]["objective"]["point"], c
assert c["tlm_cycles"] == c["rtl_cycles"], c
print("cosim ok:", c)
PY
  ;;
*) fail "unknown case $case" ;;
esac
echo "ok: $case"
