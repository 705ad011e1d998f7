#!/usr/bin/python3
"""Runs every NAME.pt in DIR under Python's TorchScript runtime (Debian's python3-torch, no
torchplay code) on NAME.inputs and compares with NAME.expected, the outputs torchplay computed
in C++. Prints one line per module; exits 1 when any max |difference| exceeds the tolerance."""
import glob
import os
import sys

import torch


def flat(outputs):
    return list(outputs) if isinstance(outputs, (tuple, list)) else [outputs]


def main(directory, tolerance):
    failed = False
    names = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(directory, "*.pt")))
    if not names:
        print("no modules in", directory)
        return 1
    for name in names:
        module = torch.jit.load(os.path.join(directory, name + ".pt"))
        inputs = torch.load(os.path.join(directory, name + ".inputs"))
        expected = flat(torch.load(os.path.join(directory, name + ".expected")))
        with torch.no_grad():
            got = flat(module(*inputs))
        if len(got) != len(expected):
            print(f"{name}: {len(got)} outputs, expected {len(expected)}")
            failed = True
            continue
        worst = 0.0
        for g, e in zip(got, expected):
            if g.shape != e.shape:
                print(f"{name}: output shape {tuple(g.shape)}, expected {tuple(e.shape)}")
                failed = True
                worst = float("inf")
                break
            worst = max(worst, (g - e).abs().max().item())
        ok = worst <= tolerance
        failed |= not ok
        print(f"{name}: {inputs[0].shape[0]} inputs, max |difference| {worst:.3g} {'ok' if ok else 'FAILED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 1e-5))
