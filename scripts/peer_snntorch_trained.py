#!/usr/bin/env python3
"""snnTorch side of `bench train --activity trained`, for scripts/bench-peers.

Builds the anchor's network (the functions of ../shared/anchors/bench_snntorch.py, imported,
not copied), scales the weight (or batch-norm scale) feeding each neuron layer until the layer
fires at the given rates, exactly as our benchmark calibrates, then times training and
inference the way the anchor does. Prints one JSON line, with the rates reached.

usage: PYTHONPATH=<anchors>/snntorch /usr/bin/python3 peer_snntorch_trained.py --anchors DIR
           --workload csnn|fc|vgg9 --rates 0.079,0.116,0.258 [--threads N] [--steps T] [--iters K]
"""
import argparse
import importlib.util
import json
import math
import os
import sys
import time


def load_anchor(anchors):
    spec = importlib.util.spec_from_file_location("bench_snntorch", os.path.join(anchors, "bench_snntorch.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--anchors", required=True)
    ap.add_argument("--workload", required=True)
    ap.add_argument("--rates", required=True, help="firing rate of each neuron layer, in order")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--density", type=float, default=0.05)
    a = ap.parse_args()

    import torch
    import torch.nn as nn
    import snntorch as snn
    from snntorch import surrogate
    import snntorch.functional as SF

    anchor = load_anchor(a.anchors)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    build = {"csnn": anchor.csnn, "fc": anchor.fc, "vgg9": anchor.vgg9}[a.workload]
    mods, shape = build(snn.Leaky, surrogate.fast_sigmoid(slope=25))
    ncls = 11 if a.workload == "vgg9" else 10
    pop = 30 if a.workload == "fc" else (100 if a.workload == "vgg9" else None)
    loss_fn = SF.mse_count_loss(correct_rate=0.8, incorrect_rate=0.2, population_code=pop is not None,
                                num_classes=ncls)
    x = (torch.rand(a.steps, a.batch, *shape) < a.density).float()
    y = torch.randint(0, ncls, (a.batch,))

    neurons = [i for i, m in enumerate(mods) if isinstance(m, snn.SpikingNeuron)]
    rates = [float(r) for r in a.rates.split(",")]
    if len(rates) != len(neurons):
        print(f"error: --rates has {len(rates)} entries for {len(neurons)} neuron layers", file=sys.stderr)
        sys.exit(2)
    counts = {i: [0.0, 0] for i in neurons}

    def hook(index):
        def record(_module, _inputs, output):
            spk = output[0] if isinstance(output, tuple) else output
            counts[index][0] += float(spk.sum())
            counts[index][1] += spk.numel()
        return record

    handles = [mods[i].register_forward_hook(hook(i)) for i in neurons]

    def rates_now(inputs=x):
        for c in counts.values():
            c[0], c[1] = 0.0, 0
        with torch.no_grad():
            anchor.forward(mods, inputs)
        return [counts[i][0] / max(counts[i][1], 1) for i in neurons]

    # As our benchmark: vgg9 calibrates on the first 8 samples of every time step.
    cal = x[:, :8] if a.workload == "vgg9" else x

    # The weight feeding each neuron layer: the nearest module with a weight before it
    # (a batch norm's scale where one normalises the conv output), as our benchmark does.
    mods.train()
    gains = []
    for k, at in enumerate(neurons):
        feed = [m for m in list(mods)[:at] if isinstance(m, (nn.Conv2d, nn.Linear, nn.BatchNorm2d))][-1]
        state = {"gain": 1.0}

        def rate_at(g):
            with torch.no_grad():
                feed.weight.mul_(g / state["gain"])
            state["gain"] = g
            return rates_now(cal)[k]

        lo = hi = 1.0
        r = rate_at(1.0)
        target = rates[k]
        if r < target:
            for _ in range(40):
                if r >= target:
                    break
                lo = hi
                hi *= 2.0
                r = rate_at(hi)
        else:
            for _ in range(40):
                if r <= target:
                    break
                hi = lo
                lo *= 0.5
                r = rate_at(lo)
        for _ in range(14):
            if abs(r - target) <= 0.01 * target:
                break
            mid = math.sqrt(lo * hi)
            r = rate_at(mid)
            if r < target:
                lo = mid
            else:
                hi = mid
        gains.append(state["gain"])

    opt = torch.optim.Adam(mods.parameters(), lr=1e-3)

    def step():
        spk = anchor.forward(mods, x)
        loss = loss_fn(spk, y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    step()  # warm-up, as the anchor
    t0 = time.perf_counter()
    for _ in range(a.iters):
        step()
    train_s = time.perf_counter() - t0
    train_rates = rates_now()
    with torch.no_grad():  # the anchor's inference: no_grad, modules left in training mode
        anchor.forward(mods, x)
        t0 = time.perf_counter()
        for _ in range(a.iters):
            anchor.forward(mods, x)
        infer_s = time.perf_counter() - t0
    infer_rates = rates_now()
    for h in handles:
        h.remove()
    print(json.dumps({"anchor": "snntorch", "activity": "trained", "torch": torch.__version__,
                      "workload": a.workload, "threads": a.threads, "batch": a.batch, "steps": a.steps,
                      "train_samples_per_s": round(a.batch * a.iters / train_s, 2),
                      "infer_samples_per_s": round(a.batch * a.iters / infer_s, 2),
                      "target_rates": rates, "gains": gains,
                      "train_rates": [round(r, 4) for r in train_rates],
                      "infer_rates": [round(r, 4) for r in infer_rates]}))


if __name__ == "__main__":
    main()
