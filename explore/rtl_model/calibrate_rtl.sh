#!/bin/sh
# Calibration set of the resource model on the REAL layer engine (docs/hardware.md §11):
# Yosys 0.23 synth_xilinx -flatten of snn_layer_engine (rtl/sources.txt) with its size parameters
# set by chparam, one CSV row of primitive counts per configuration (plus CPU seconds), counted
# by the built snncosim_xilinx_cells (SNNCOSIM_XILINX_CELLS when the build is not build/release).
# Usage: calibrate_rtl.sh [family] > calibration_rtl_xcup.csv   (run niced, one at a time)
set -eu
family=${1:-xcup}
here=$(cd "$(dirname "$0")" && pwd)
cells=${SNNCOSIM_XILINX_CELLS:-$here/../../build/release/bin/snncosim_xilinx_cells}
rtl=$(cd "$here/../../rtl" && pwd)
# the design files in compile order: rtl/sources.txt
src=$(sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' -e "s|^|$rtl/|" "$rtl/sources.txt")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "lanes,chunk,spike_words,weight_words,acc_words,mem_words,chan_words,max_frame,fifo_depth,max_rate,max_latency,lut,ff,bram36,uram,dsp,lutram_luts,cpu_s"
while read -r ln ch sw ww aw mw cw mf fd mr ml; do
  case "$ln" in ''|'#'*) continue ;; esac
  yosys -q -l "$work/log" -p "read_verilog -sv $(echo $src); chparam -set Lanes $ln -set ChunkW $ch \
    -set SpikeWords $sw -set WeightWords $ww -set AccWords $aw -set MemWords $mw -set ChanWords $cw \
    -set MaxFrame $mf -set FifoDepth $fd -set MaxRate $mr -set MaxLatency $ml snn_layer_engine; \
    synth_xilinx -flatten -family $family -noiopad -noclkbuf -top snn_layer_engine; tee -q -o $work/s.json stat -json" \
    < /dev/null > /dev/null 2>&1
  cpu=$(sed -n 's/.*CPU: user \([0-9.]*\)s system \([0-9.]*\)s.*/\1 \2/p' "$work/log" | tail -1 | awk '{print $1 + $2}')
  echo "$ln,$ch,$sw,$ww,$aw,$mw,$cw,$mf,$fd,$mr,$ml,$("$cells" "$work/s.json"),$cpu"
done <<'CFG'
# lanes chunk spike_words weight_words acc_words mem_words chan_words max_frame fifo_depth max_rate max_latency
1 8 64 64 64 64 4 64 4 1 2
2 8 256 256 256 64 4 128 4 2 2
1 32 1024 1024 1024 256 8 256 8 2 2
4 8 512 512 512 128 8 256 8 4 2
2 32 1024 2048 1024 256 8 512 16 4 4
4 32 2048 1024 2048 512 16 256 16 4 4
2 32 4096 4096 4096 1024 16 1024 16 4 4
1 32 2 8 8 8 2 16 16 1 1
1 32 2 2 2 2 2 2 16 1 1
CFG
