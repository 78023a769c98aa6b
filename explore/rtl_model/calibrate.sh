#!/bin/sh
# Calibration set of the resource model (docs/hardware.md §11): synthesises the engine
# skeleton with Yosys synth_xilinx for each parameter line below and prints one CSV row of
# primitive counts per configuration (counted by the built snncosim_xilinx_cells; set
# SNNCOSIM_XILINX_CELLS when the build is not build/release). Usage: calibrate.sh [family] > calibration.csv
set -eu
family=${1:-xcup}
here=$(cd "$(dirname "$0")" && pwd)
cells=${SNNCOSIM_XILINX_CELLS:-$here/../../build/release/bin/snncosim_xilinx_cells}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "n,penc,sdepth,wbits,wwidth,wdepth,acc,mem,adepth,mdepth,fdepth,ebits,lut,ff,bram36,uram,dsp,lutram_luts"
# n penc sdepth wbits wwidth wdepth acc mem adepth mdepth fdepth ebits
while read -r n penc sd wb ww wd acc mem ad md fd eb; do
  yosys -q -p "read_verilog -sv $here/../../rtl/layer_engine/snn_layer_engine_skeleton.sv; chparam -set N $n -set PENC $penc -set SDEPTH $sd \
    -set WBITS $wb -set WWIDTH $ww -set WDEPTH $wd -set ACC $acc -set MEM $mem -set ADEPTH $ad -set MDEPTH $md \
    -set FDEPTH $fd -set EBITS $eb snn_layer_engine_skeleton; synth_xilinx -family $family -noiopad -noclkbuf \
    -top snn_layer_engine_skeleton; tee -q -o $work/s.json stat -json" > /dev/null 2>&1
  echo "$n,$penc,$sd,$wb,$ww,$wd,$acc,$mem,$ad,$md,$fd,$eb,$("$cells" "$work/s.json")"
done <<'CFG'
1 32 320 8 64 288 16 16 1024 1024 16 20
2 32 320 8 64 288 16 16 512 512 16 20
4 32 320 8 64 288 16 16 256 256 16 20
8 32 320 8 64 288 16 16 128 128 16 20
16 32 320 8 64 288 16 16 64 64 16 20
4 8 1280 8 64 288 16 16 256 256 16 20
4 64 160 8 64 288 16 16 256 256 16 20
4 32 320 8 128 2304 16 16 256 256 16 20
4 32 320 4 64 1152 20 12 1024 256 64 24
2 16 2048 8 64 4608 24 24 4096 1024 4 24
8 32 640 8 256 1152 16 16 2048 512 32 24
1 8 80 8 16 64 12 12 64 64 2 12
CFG
