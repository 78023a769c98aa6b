#!/usr/bin/python3
"""ctest numerics_python_readback: the files of numerics_write_example, read with h5py only,
hold the hand-worked values of docs/numerics.md section 9."""
import sys

import h5py
import numpy as np


def text(v):
    """Strings are fixed-length (docs/formats.md): h5py returns bytes."""
    return v.decode("utf-8")


d = sys.argv[1]
with h5py.File(f"{d}/model.h5", "r") as f:
    assert text(f.attrs["format"]) == "snncosim.model"
    assert f.attrs["format_version"] == 1 and f.attrs["numerics_version"] == 1
    assert text(f["provenance/config_text"][()]).startswith("schema: snncosim.network/1")
    assert f["provenance"].attrs["seed"] == 18446744073709551557
    assert list(f["input"].attrs["shape"]) == [1, 3, 3]
    assert f["layers"].attrs["num_layers"] == 4
    conv = f["layers/000"]
    assert text(conv.attrs["kind"]) == "conv" and text(conv.attrs["name"]) == "conv1"
    w = conv["weights"][()]
    assert w.shape == (2, 1, 2, 2) and w.dtype == np.int32
    assert w[0, 0].tolist() == [[1, 2], [3, 4]] and w[1, 0].tolist() == [[-1, 2], [0, 1]]
    assert conv["bias"][()].tolist() == [0, 1]
    assert conv["neuron"].attrs["threshold"] == 3 and conv["neuron"].attrs["decay"] == 32768
    assert text(conv["neuron"].attrs["reset_kind"]) == "subtract"
    assert text(f["layers/001"].attrs["kind"]) == "maxpool"
    assert list(f["layers/002"].attrs["out_shape"]) == [2, 1, 1]
    assert f["layers/003/weights"][()].tolist() == [[2, 3]]

with h5py.File(f"{d}/trace.h5", "r") as f:
    assert text(f.attrs["format"]) == "snncosim.trace" and text(f.attrs["source"]) == "integer"
    s = f["samples/000000"]
    assert s.attrs["sample_index"] == 5 and s.attrs["label"] == 0 and s.attrs["num_steps"] == 3
    assert s["input/counts"][()].tolist() == [2, 0, 3]
    conv = s["layers/000"]
    assert conv["events"][()].tolist() == [[0, 0, 0, 0], [2, 0, 1, 0], [2, 0, 1, 1], [2, 1, 0, 1]]
    assert conv["counts"][()].tolist() == [1, 0, 3]
    assert conv["step_offsets"][()].tolist() == [0, 1, 1, 4]
    mem = conv["membrane"][()]
    assert mem.shape == (3, 2, 2, 2)
    assert mem[1].reshape(-1).tolist() == [0, 2, 1, 1, 2, 2, 3, 1]  # empty step 1 still leaks
    out = s["layers/003"]
    assert out["events"][()].tolist() == [[2, 0, 0, 0]]
    assert s["class_counts"][()].tolist() == [1]
print("ok")
