#!/usr/bin/env python3
"""Writes a small convolutional NIR graph with the NIR reference package, in the shape
snnTorch's exporter gives a strided CSNN (LIF with tau = dt/(1-beta), r = tau/dt), for
`snncosim import` (docs/interop.md). Needs numpy, h5py and the `nir` package.

usage: write_nir_conv.py OUT.nir [--seed S]
Graph: Input 2x8x8 -> Conv2d 4 k3 s2 p1 -> LIF -> Conv2d 4 k3 p1 -> SumPool2d 2 -> IF
       -> Flatten -> Affine 16 -> 2 -> LIF -> Output
"""
import argparse

import numpy as np
import nir

DT = 1e-4  # snnTorch's NIR time step


def lif(shape, beta, threshold):
    tau = DT / (1.0 - beta)
    ones = np.ones(shape)
    return nir.LIF(tau=tau * ones, r=tau / DT * ones, v_leak=0 * ones, v_threshold=threshold * ones,
                   v_reset=0 * ones)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)

    def w(*shape, mean=0.1, std=0.3):
        return (mean + std * rng.standard_normal(shape)).astype(np.float32)

    nodes = {
        "input": nir.Input(input_type=np.array([2, 8, 8])),
        "conv1": nir.Conv2d(input_shape=(8, 8), weight=w(4, 2, 3, 3), stride=2, padding=1, dilation=1, groups=1,
                            bias=w(4, mean=0.05, std=0.05)),
        "lif1": lif((4, 4, 4), 0.75, 0.9),
        "conv2": nir.Conv2d(input_shape=(4, 4), weight=w(4, 4, 3, 3), stride=1, padding=1, dilation=1, groups=1,
                            bias=w(4, mean=0.0, std=0.05)),
        "pool2": nir.SumPool2d(kernel_size=np.array([2, 2]), stride=np.array([2, 2]), padding=np.array([0, 0])),
        "if2": nir.IF(r=np.ones((4, 2, 2)), v_threshold=1.1 * np.ones((4, 2, 2)), v_reset=np.zeros((4, 2, 2))),
        "flat": nir.Flatten(input_type={"input": np.array([4, 2, 2])}, start_dim=0, end_dim=-1),
        "fc": nir.Affine(weight=w(2, 16), bias=w(2, mean=0.0, std=0.05)),
        "lif3": lif((2,), 0.5, 0.7),
        "output": nir.Output(output_type=np.array([2])),
    }
    order = ["input", "conv1", "lif1", "conv2", "pool2", "if2", "flat", "fc", "lif3", "output"]
    graph = nir.NIRGraph(nodes=nodes, edges=list(zip(order, order[1:])))
    if not hasattr(nir, "version"):  # a source checkout, not an installed distribution
        nir.version = "1.0.0"
    nir.write(a.out, graph)
    back = nir.read(a.out)
    assert set(back.nodes) == set(nodes)
    print(f"wrote {a.out}: {len(nodes)} nodes")


if __name__ == "__main__":
    main()
