#!/bin/sh
# Calibration set of the resource model (docs/hardware.md §11): synthesises the engine
# skeleton with Yosys synth_xilinx for each parameter line below and prints one CSV row of
# primitive counts per configuration. Usage: calibrate.sh [family] > calibration.csv
set -eu
family=${1:-xcup}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "n,penc,sdepth,wbits,wwidth,wdepth,acc,mem,adepth,mdepth,fdepth,ebits,lut,ff,bram36,uram,dsp,lutram_luts"
# n penc sdepth wbits wwidth wdepth acc mem adepth mdepth fdepth ebits
while read -r n penc sd wb ww wd acc mem ad md fd eb; do
  yosys -q -p "read_verilog -sv $here/../../rtl/layer_engine/snn_layer_engine_skeleton.sv; chparam -set N $n -set PENC $penc -set SDEPTH $sd \
    -set WBITS $wb -set WWIDTH $ww -set WDEPTH $wd -set ACC $acc -set MEM $mem -set ADEPTH $ad -set MDEPTH $md \
    -set FDEPTH $fd -set EBITS $eb snn_layer_engine_skeleton; synth_xilinx -family $family -noiopad -noclkbuf \
    -top snn_layer_engine_skeleton; tee -q -o $work/s.json stat -json" > /dev/null 2>&1
  /usr/bin/python3 - "$work/s.json" "$n,$penc,$sd,$wb,$ww,$wd,$acc,$mem,$ad,$md,$fd,$eb" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["design"]["num_cells_by_type"]
ram = {"RAM32M16": 8, "RAM64M8": 8, "RAM32M": 4, "RAM64M": 4, "RAM32X1D": 2, "RAM64X1D": 2, "RAM128X1D": 4,
       "RAM256X1D": 8, "RAM32X1S": 1, "RAM64X1S": 1, "RAM128X1S": 2, "RAM256X1S": 4, "RAM512X1S": 8,
       "SRL16E": 1, "SRLC32E": 1, "SRLC16E": 1}
lut = sum(v for k, v in c.items() if k.startswith("LUT") or k == "INV")
lr = sum(v * ram[k] for k, v in c.items() if k in ram)
ff = sum(v for k, v in c.items() if k.startswith("FD"))
bram = sum(v for k, v in c.items() if k.startswith("RAMB36")) + sum(v for k, v in c.items() if k.startswith("RAMB18")) / 2
uram = sum(v for k, v in c.items() if k.startswith("URAM"))
dsp = sum(v for k, v in c.items() if k.startswith("DSP"))
print(f"{sys.argv[2]},{lut + lr},{ff},{bram},{uram},{dsp},{lr}")
PY
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
