#!/usr/bin/env python3
"""Reads a NIR graph written by `snncosim export --nir` with the NIR reference package and
checks it against the model file of the same export: the same float weights and biases,
and neurons whose NIR parameters give back the trained beta and threshold
(docs/interop.md). Needs numpy, h5py and the `nir` package.

usage: check_nir_export.py OUT.nir MODEL.h5 [--dt 1e-4]
"""
import argparse

import h5py
import numpy as np
import nir


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nir_file")
    ap.add_argument("model")
    ap.add_argument("--dt", type=float, default=1e-4)
    a = ap.parse_args()
    g = nir.read(a.nir_file)  # type-checks every edge (shapes must chain)
    checked = 0
    with h5py.File(a.model, "r") as f:
        layers = f["layers"]
        names = []
        for key in sorted(layers):
            lay = layers[key]
            name = lay.attrs["name"].decode()
            kind = lay.attrs["kind"].decode()
            names.append(name)
            if kind == "flatten":
                assert type(g.nodes[name]).__name__ == "Flatten", name
                continue
            node = g.nodes[name]
            assert type(node).__name__ == ("Conv2d" if kind == "conv" else "Affine"), (name, type(node))
            fw = lay["float_weights"][()]
            assert np.array_equal(np.asarray(node.weight, dtype=np.float32), fw), f"{name}: weights differ"
            fb = lay["float_bias"][()] if "float_bias" in lay else np.zeros(fw.shape[0], np.float32)
            assert np.array_equal(np.asarray(node.bias, dtype=np.float32), fb), f"{name}: bias differs"
            if kind == "conv":
                assert tuple(node.stride) == (lay.attrs["stride"],) * 2, (name, node.stride)
                assert tuple(node.padding) == (lay.attrs["padding"],) * 2, (name, node.padding)
            fn = lay["float_neuron"].attrs
            beta, theta = float(fn["beta"]), float(fn["threshold"])
            neuron = g.nodes[name + ".lif"]
            assert np.allclose(neuron.v_threshold, theta, rtol=0, atol=1e-12), f"{name}: threshold"
            assert np.all(neuron.v_reset == 0)
            if beta >= 1.0:
                assert type(neuron).__name__ == "IF", (name, type(neuron))
                assert np.all(neuron.r == 1)
            else:
                assert type(neuron).__name__ == "LIF", (name, type(neuron))
                assert np.allclose(1 - a.dt / neuron.tau, beta, rtol=0, atol=1e-12), f"{name}: beta"
                assert np.allclose(neuron.r * a.dt / neuron.tau, 1.0, rtol=0, atol=1e-12), f"{name}: input gain"
                assert np.all(neuron.v_leak == 0)
            print(f"{name}: {kind} weights {fw.shape} equal; {type(neuron).__name__} beta {beta:.6g} "
                  f"threshold {theta:.6g}")
            checked += 1
    chain = ["input"] + [n for name in names for n in ((name, name + ".lif") if name + ".lif" in g.nodes else (name,))]
    chain.append("output")
    assert sorted(g.edges) == sorted(zip(chain, chain[1:])), g.edges
    assert checked > 0
    print(f"{a.nir_file}: {checked} neuron layers read back by nir.read with the same weights and neuron parameters")


if __name__ == "__main__":
    main()
