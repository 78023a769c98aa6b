#!/usr/bin/python3
"""Reads a snncosim model file and spike-trace file with h5py only (docs/formats.md).

Usage: read_snncosim_files.py MODEL.h5 TRACE.h5
Prints the layers of the model and, per sample, the spike counts of every layer.
"""
import sys

import h5py
import numpy as np


def text(v):
    """snncosim stores fixed-length UTF-8 strings; h5py returns them as bytes."""
    return v.decode("utf-8")



def describe_model(path):
    with h5py.File(path, "r") as f:
        assert text(f.attrs["format"]) == "snncosim.model", "not a model file"
        print(f"model {path}: format v{f.attrs['format_version']}, numerics v{f.attrs['numerics_version']}")
        print(f"  git {text(f['provenance'].attrs['git_sha'])}, seed {f['provenance'].attrs['seed']}")
        print(f"  input shape {list(f['input'].attrs['shape'])}")
        layers = f["layers"]
        for i in range(layers.attrs["num_layers"]):
            g = layers[f"{i:03d}"]
            line = f"  {i}: {text(g.attrs['name'])} {text(g.attrs['kind'])} -> {list(g.attrs['out_shape'])}"
            if "weights" in g:
                w = g["weights"][()]
                n = g["neuron"].attrs
                scale = g["weight_scale"][()]
                line += (f", weights {w.shape} int{n['weight_bits']} (scale {scale[0]:.3g}),"
                         f" threshold {n['threshold']}, decay {n['decay']}/2^{n['frac_bits']}, reset {text(n['reset_kind'])}")
                # Real-valued weights as the hardware sees them:
                real = w * (scale.reshape(-1, *([1] * (w.ndim - 1))) if scale.size > 1 else scale[0])
                line += f", |w|max {np.abs(real).max():.3g}"
            print(line)


def describe_trace(path):
    with h5py.File(path, "r") as f:
        assert text(f.attrs["format"]) == "snncosim.trace", "not a trace file"
        samples = f["samples"]
        for s in range(samples.attrs["num_samples"]):
            g = samples[f"{s:06d}"]
            T = g.attrs["num_steps"]
            print(f"sample {g.attrs['sample_index']} label {g.attrs['label']} T={T} "
                  f"predicted {g.attrs['predicted_class']}")
            print(f"  input: {g['input/counts'][()].tolist()}")
            layers = g["layers"]
            for i in range(layers.attrs["num_layers"]):
                l = layers[f"{i:03d}"]
                ev = l["events"][()]            # rows (t, channel, y, x)
                off = l["step_offsets"][()]     # events of step t: ev[off[t]:off[t+1]]
                dense = np.zeros((T, *l.attrs["shape"]), dtype=np.uint8)
                dense[ev[:, 0], ev[:, 1], ev[:, 2], ev[:, 3]] = 1
                assert (dense.reshape(T, -1).sum(axis=1) == l["counts"][()]).all()
                assert all(off[t + 1] - off[t] == l["counts"][t] for t in range(T))
                extra = " (+membrane)" if "membrane" in l else ""
                print(f"  {text(l.attrs['name'])}: counts per step {l['counts'][()].tolist()}{extra}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    describe_model(sys.argv[1])
    describe_trace(sys.argv[2])
