#!/usr/bin/env python3
"""Fits the specialised-engine resource model (explore::estimate_specialised_engine,
docs/hardware.md §11.2) to calibration_spec_xcup.csv (calibrate_specialised.sh).

Memories are priced by rule (synchronous RAMs in LUT RAM or block RAM, whichever Yosys'
memory_libmap finds cheaper; the address lists and per-lane gains/biases in LUT RAM);
the logic LUTs, the FFs and the DSPs are least-squares fits on a few features. For each
resource every subset of up to N candidate features (plus the constant) is tried and
the one with the smallest leave-one-out maximum relative error is kept (--search N); without
--search the terms of CHOSEN are fitted. Prints the coefficients, the fit error and the
leave-one-out error per row and in all.
Pure Python (no numpy). Usage: fit_specialised.py calibration_spec_xcup.csv [--search N]
"""
import csv
import itertools
import math
import sys

def ceil_div(a, b):
    return -(-a // b)


def bram36(depth, width):
    best = None
    for d, w in ((512, 36), (1024, 18), (2048, 9), (4096, 4), (8192, 2), (16384, 1)):
        n = ceil_div(depth, d) * ceil_div(width, w)
        best = n if best is None else min(best, n)
    return best / 2.0


def lutram_luts(depth, width):
    if depth <= 32:
        return 8.0 * ceil_div(width, 14)
    return 8.0 * ceil_div(depth, 64) * ceil_div(width, 7)


def lutram_cost(depth, width):
    """memory_libmap's cost of a 1R1W LUT RAM (lutrams_xcu.txt: cost 16 per 64 x 7 cell,
    widthscale); the 32 x 14 option does not win in the calibration set."""
    return 16.0 * ceil_div(depth, 64) * width / 7.0


def sync_ram(depth, width):
    """(LUTs, BRAM36) of a synchronous-read RAM (snn_ram_1r1w) as Yosys 0.23 maps it: the
    cheaper of LUT RAM and block RAM by memory_libmap's costs (RAMB18 129)."""
    tiles = bram36(depth, width)
    if lutram_cost(depth, width) < 129.0 * 2 * tiles:
        return lutram_luts(depth, width), 0.0
    return 0.0, tiles


def memories(r):
    """(LUTs, BRAM36) of the memories of one engine by rule."""
    lut = bram = 0.0
    # Behind a spike link (SetPorts > 0) the spike memory is snn_spike_ram, a register array
    # (priced by the fitted terms); engine 0's is a 1R1W RAM.
    spike = [(r["spike_words"], r["chunk"], 1)] if r["set_ports"] == 0 else []
    for depth, width, copies in spike + [(r["weight_words"], 16, r["lanes"]),
                                 (r["acc_words"], 32, r["lanes"]), (r["mem_words"], 32, r["lanes"])]:
        l, b = sync_ram(depth, width)
        lut += copies * l
        bram += copies * b
    # the two address lists (asynchronous read) and each lane's gains and biases, each read
    # at two places (two copies)
    lut += lutram_luts(2 * r["max_frame"], 16) + 4 * r["lanes"] * lutram_luts(r["chan_words"], 32)
    return lut, bram


def lg(v):
    return math.log2(max(2, v))


FEATURES = {
    "Lanes": lambda r: r["lanes"],
    "Lanes*Linear": lambda r: r["lanes"] * (1 - r["conv"]),
    "Conv": lambda r: r["conv"],
    "ChunkW": lambda r: r["chunk"],
    "MaxRate": lambda r: r["max_rate"],
    "MaxRate*Lanes": lambda r: r["max_rate"] * r["lanes"],
    "MaxLatency*Lanes": lambda r: r["max_latency"] * r["lanes"],
    "FifoDepth*Lanes": lambda r: r["fifo_depth"] * r["lanes"],
    "Lanes*Lanes": lambda r: r["lanes"] ** 2,
    # the register-array spike memory behind a link (SetPorts > 0): its bits, times the ports,
    # times the chunk width (each set port decodes a bit of a ChunkW-bit word)
    "SetBits": lambda r: r["spike_words"] * r["chunk"] if r["set_ports"] > 0 else 0,
    "SetBits*SetPorts": lambda r: r["spike_words"] * r["chunk"] * r["set_ports"],
    "SetBits*ChunkW": lambda r: r["spike_words"] * r["chunk"] * r["chunk"] if r["set_ports"] > 0 else 0,
}

# The terms of the model (chosen with --search among FEATURES by leave-one-out error, then
# kept to physically sensible, non-negative terms: docs/hardware.md §11.2).
CHOSEN = {
    "lut": ("Conv", "SetBits", "MaxLatency*Lanes", "Lanes*Lanes"),
    "ff": ("Lanes*Linear", "SetBits", "FifoDepth*Lanes", "MaxLatency*Lanes"),
    "dsp": ("Lanes", "Conv"),
}


def solve(a, b):
    """Least squares via the normal equations (small systems)."""
    n = len(a[0])
    m = [[sum(a[k][i] * a[k][j] for k in range(len(a))) for j in range(n)] + [sum(a[k][i] * b[k] for k in range(len(a)))]
         for i in range(n)]
    for c in range(n):
        p = max(range(c, n), key=lambda i: abs(m[i][c]))
        if abs(m[p][c]) < 1e-12:
            return None
        m[c], m[p] = m[p], m[c]
        for i in range(n):
            if i != c:
                f = m[i][c] / m[c][c]
                m[i] = [x - f * y for x, y in zip(m[i], m[c])]
    return [m[i][n] / m[i][i] for i in range(n)]


def design(rows, names):
    return [[1.0] + [FEATURES[f](r) for f in names] for r in rows]


def fit_eval(rows, target, names, base):
    """Coefficients, per-row errors of the fit and of leave-one-out (relative to the Yosys total)."""
    a = design(rows, names)
    y = [target[i] for i in range(len(rows))]
    k = solve(a, y)
    if k is None:
        return None
    fit, loo = [], []
    for i in range(len(rows)):
        pred = sum(c * x for c, x in zip(k, a[i]))
        fit.append(pred)
        ki = solve([a[j] for j in range(len(rows)) if j != i], [y[j] for j in range(len(rows)) if j != i])
        if ki is None:
            return None
        loo.append(sum(c * x for c, x in zip(ki, a[i])))
    return k, fit, loo


def best_fit(rows, target, totals, base, max_terms, relative=True):
    best = None
    for n in range(0, max_terms + 1):
        for names in itertools.combinations(FEATURES, n):
            if len(rows) - 1 <= n + 1:
                continue
            r = fit_eval(rows, target, names, base)
            if r is None:
                continue
            k, fit, loo = r
            if relative:
                err = max(abs(b + l - t) / t for b, l, t in zip(base, loo, totals))
            else:
                err = max(abs(b + l - t) for b, l, t in zip(base, loo, totals))
            # prefer fewer terms unless clearly better (5 % of the error)
            if best is None or err < best[0] * 0.95:
                best = (err, names, k, fit, loo)
    return best


def main():
    path = sys.argv[1]
    search = "--search" in sys.argv
    max_terms = int(sys.argv[sys.argv.index("--search") + 1]) if search else 0
    rows = []
    for r in csv.DictReader(open(path)):
        rows.append({k: (float(v) if k not in ("model", "layer") else v) for k, v in r.items()})
    for r in rows:
        r["mem_lut"], r["mem_bram"] = memories(r)
    print(f"{len(rows)} configurations")
    print("memories by rule vs Yosys: LUT RAM LUTs, BRAM36")
    for r in rows:
        print(f"  {int(r['id']):2d} {r['model']:5s} {r['layer']:5s} lutram {r['mem_lut']:6.0f} / {r['lutram_luts']:6.0f}"
              f"  bram36 {r['mem_bram']:5.1f} / {r['bram36']:5.1f}")
    out = {}
    for res, relative in (("lut", True), ("ff", True), ("dsp", False)):
        totals = [r[res] for r in rows]
        base = [r["mem_lut"] if res == "lut" else 0.0 for r in rows]
        target = [t - b for t, b in zip(totals, base)]
        if search:
            err, names, k, fit, loo = best_fit(rows, target, totals, base, max_terms, relative)
        else:
            names = CHOSEN[res]
            k, fit, loo = fit_eval(rows, target, names, base)
        out[res] = (names, k)
        print(f"\n{res.upper()} = {k[0]:.1f}" + "".join(f" {'+' if c >= 0 else '-'} {abs(c):.3g} {n}" for c, n in zip(k[1:], names))
              + (" + LUT-RAM LUTs" if res == "lut" else ""))
        fe = [(b + f - t) / t if relative else b + f - t for b, f, t in zip(base, fit, totals)]
        le = [(b + l - t) / t if relative else b + l - t for b, l, t in zip(base, loo, totals)]
        unit = "%" if relative else ""
        scale = 100 if relative else 1
        for r, t, b, f, e1, e2 in zip(rows, totals, base, fit, fe, le):
            print(f"  {int(r['id']):2d} yosys {t:7.0f} model {b + f:8.1f} ({scale * e1:+.1f}{unit}) leave-one-out {scale * e2:+.1f}{unit}")
        print(f"  fit: max {scale * max(map(abs, fe)):.1f}{unit} mean {scale * sum(map(abs, fe)) / len(fe):.1f}{unit}; "
              f"leave-one-out: max {scale * max(map(abs, le)):.1f}{unit} mean {scale * sum(map(abs, le)) / len(le):.1f}{unit}")
    be = [r["mem_bram"] - r["bram36"] for r in rows]
    print(f"\nBRAM36 by rule: max error {max(map(abs, be)):.1f} tiles ({sum(1 for e in be if e == 0)} of {len(be)} exact)")


if __name__ == "__main__":
    main()
