#!/bin/sh
# Calibration set of the resource model of the SPECIALISED layer engine (docs/hardware.md
# §11.2, explore::estimate_specialised_engine): for each configuration below, `snncosim
# estimate` generates the design for the model and hardware (tb::generate_rtl, Fixed = 1) and
# runs Yosys synth_xilinx -flatten -family xcup on one engine of it (its wrapper plus
# rtl/sources.txt), then `ltp`. One CSV row per configuration: the engine's parameters as
# generate_rtl sets them, Yosys' primitive counts, the longest path and CPU seconds
# (`yosys_cpu_seconds`: Yosys with its ABC children; calibration_spec_xcup.csv of 2026-12-07
# was recorded when that field was the Yosys log's own figure, without ABC).
#
# Usage: calibrate_specialised.sh SNNCOSIM QUICKSTART_MODEL SMALL_MODEL [family] > calibration_spec_xcup.csv
#   SNNCOSIM          the built tool (build/release/bin/snncosim)
#   QUICKSTART_MODEL  runs/quickstart/model.h5 (the quickstart CSNN, `snncosim run yaml/experiments/quickstart.yaml`)
#   SMALL_MODEL       the small test CSNN (build/release/tb/cosim/tb_cosim_write_model /tmp/small.h5)
# Run it niced, alone (one Yosys at a time); explore/rtl_model/fit_specialised.py fits the model.
set -eu
snncosim=$1
qs=$2
small=$3
family=${4:-xcup}
here=$(cd "$(dirname "$0")" && pwd)
# The cell counts come from the one counter, built beside snncosim.
cells=$(dirname "$snncosim")/snncosim_xilinx_cells
hw="$here/../../yaml/hardware/default.yaml"
case "$family" in
  xcup) platform="$here/../../platforms/zcu102.yaml" ;;
  *) echo "calibrate_specialised.sh: family $family: add its platform" >&2; exit 2 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "id,model,layer,steps,lanes,chunk,spike_words,weight_words,acc_words,mem_words,chan_words,max_frame,fifo_depth,max_rate,max_latency,set_ports,conv,lut,ff,bram36,uram,dsp,lutram_luts,ltp,cpu_s"
id=0
# model layer steps overrides... (hardware keys of yaml/hardware/default.yaml, `--set` syntax)
while read -r model layer steps sets; do
  case "$model" in ''|'#'*) continue ;; esac
  id=$((id + 1))
  case "$model" in qs) m=$qs ;; small) m=$small ;; *) echo "unknown model $model" >&2; exit 2 ;; esac
  args=""
  for s in $sets; do args="$args --set $s"; done
  # shellcheck disable=SC2086
  "$snncosim" --json estimate --model "$m" --hardware "$hw" --platform "$platform" --steps "$steps" $args \
    --yosys-source specialised --yosys-engine "$layer" --workdir "$work/$id" > "$work/$id.json" 2> "$work/$id.err" ||
    { echo "configuration $id failed: $(tail -1 "$work/$id.err")" >&2; exit 1; }
  /usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(json.dumps(next(x for x in j["layers"] if x["layer"] == sys.argv[2])["yosys_cells"]))' \
    "$work/$id.json" "$layer" > "$work/$id.cells.json"
  counts=$("$cells" "$work/$id.cells.json")
  /usr/bin/python3 - "$work/$id.json" "$id" "$model" "$layer" "$steps" "$counts" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
l = next(x for x in j["layers"] if x["layer"] == sys.argv[4])
p = l["specialised_parameters"]
counts = sys.argv[6].split(",")  # lut,ff,bram36,uram,dsp,lutram_luts of snncosim_xilinx_cells
cols = [sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]] + [
    p[k] for k in ("Lanes", "ChunkW", "SpikeWords", "WeightWords", "AccWords", "MemWords", "ChanWords", "MaxFrame",
                   "FifoDepth", "MaxRate", "MaxLatency", "SetPorts")] + [int(p["Conv"])] + counts + [
    l["yosys_ltp"], round(l["yosys_cpu_seconds"], 1)]
print(",".join(str(int(v)) if isinstance(v, float) and v == int(v) else str(v) for v in cols), flush=True)
PY
done <<'CFG'
# model layer steps overrides
qs conv1 1
qs conv2 1
qs fc1 1
small conv1 1 layers.conv1.penc_width_bits=8 layers.conv1.spike_fifo_depth=2
small fc1 1 layers.fc1.neuron_cores=4
small conv2 1 layers.conv2.neuron_cores=2 layers.conv2.penc_width_bits=8 layers.conv1.router_events_per_cycle=2
qs conv1 1 layers.conv1.neuron_cores=4 layers.conv1.penc_width_bits=8 layers.conv1.spike_fifo_depth=4
qs conv2 1 layers.conv2.neuron_cores=16 layers.conv2.router_events_per_cycle=4
qs conv2 1 layers.conv2.neuron_cores=8 layers.conv2.penc_width_bits=8 layers.conv2.weight_memory.read_latency_cycles=2 layers.conv2.membrane_memory.read_latency_cycles=2 layers.conv2.spike_fifo_depth=64
qs fc1 1 layers.fc1.neuron_cores=2 layers.fc1.penc_width_bits=8 layers.fc1.spike_memory.read_latency_cycles=3 layers.conv2.router_events_per_cycle=2
qs conv1 20 layers.conv1.neuron_cores=2 layers.conv1.spike_fifo_depth=4 layers.conv1.router_events_per_cycle=2
qs conv2 1 layers.conv2.neuron_cores=4 layers.conv2.penc_width_bits=16 layers.conv2.spike_fifo_depth=8 layers.conv1.router_events_per_cycle=2
qs fc1 1 layers.fc1.neuron_cores=10 layers.conv2.router_events_per_cycle=4
# row 14 (added after the first fit): the register-array spike memory at T = 20
qs fc1 20
CFG
