#!/usr/bin/env python3
"""PyTorch side of bench/faulty-parity.sh: a tiny CycleGAN's two official steps, and how closely C# follows them.

    prepare DIR   writes DIR/data/{trainA,trainB}/{0,1}.png and DIR/checkpoints/tiny/init_net_{G_A,G_B,D_A,D_B}.pth
    compare DIR RUN  runs the two steps in PyTorch (the step math of ../shared/reference/steps/make_steps.py) in
                  float32 and float64 and prints the % of weights the C# run (RUN/latest_net_*.pth) has within 2e-5 of
                  each (also without the zero-gradient biases), and PyTorch float32's own % against float64

Run with Debian's /usr/bin/python3 (PyTorch 1.13, oneDNN 2.6: correct kernels on every machine seen so far).
"""

import json
import os
import sys
from collections import OrderedDict

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = os.path.join(HERE, "..", "..", "shared", "reference", "steps")
sys.path.insert(0, STEPS)
import make_steps  # noqa: E402  (CycleGANStep, render_scene, to_model_tensor; networks from torch_networks.py)

OPT = OrderedDict(make_steps.CYCLE_OPT)
OPT.update(ngf=4, ndf=4, netG=os.environ.get("NETG", "resnet_9blocks"), gan_mode="vanilla")
NAMES = ["G_A", "G_B", "D_A", "D_B"]
CLOSE = 2e-5


def images(root):
    a = [os.path.join(root, "data", "trainA", f"{i}.png") for i in range(2)]
    b = [os.path.join(root, "data", "trainB", f"{i}.png") for i in range(2)]
    return a, b


def prepare(root):
    a, b = images(root)
    for i in range(2):
        for path, (img, _) in ((a[i], make_steps.render_scene(64, 11 + i, "summer")),
                               (b[i], make_steps.render_scene(64, 21 + i, "winter"))):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            Image.fromarray(img).save(path)
    nets = make_steps.build_cycle_nets(OPT)
    ckpt = os.path.join(root, "checkpoints", "tiny")
    os.makedirs(ckpt, exist_ok=True)
    for name, net in nets.items():
        torch.save(net.state_dict(), os.path.join(ckpt, f"init_net_{name}.pth"))


def load(path):
    return make_steps.to_model_tensor(np.array(Image.open(path).convert("RGB")))


def steps(root, dtype):
    """The two official optimize_parameters() from the init checkpoints, in dtype; the four state_dicts after them."""
    ckpt = os.path.join(root, "checkpoints", "tiny")
    nets = make_steps.build_cycle_nets(OPT)  # same modules; the weights come from the init checkpoints
    for name, net in nets.items():
        net.load_state_dict(torch.load(os.path.join(ckpt, f"init_net_{name}.pth")))
    nets = make_steps.clone_nets(nets, dtype)
    for net in nets.values():
        net.train()
    model = make_steps.CycleGANStep(OPT, [nets[n] for n in NAMES], dtype)
    a, b = images(root)
    for i in range(2):  # --serial_batches: A i with B i; the pools are not full, so they draw nothing
        model.optimize_parameters(load(a[i]).to(dtype), load(b[i]).to(dtype), record=False)
    zero = set(make_steps.zero_gradient_parameters(list(nets.items())))
    return OrderedDict((n, nets[n].state_dict()) for n in NAMES), zero


def within(mine, ref, skip=()):
    """% of elements of mine within CLOSE of ref (all networks), leaving out the parameters named in skip."""
    n = c = 0
    for name in NAMES:
        for key, t in ref[name].items():
            if f"{name}.{key}" in skip:
                continue
            diff = (mine[name][key].double() - t.double()).abs()
            n += diff.numel()
            c += int((diff <= CLOSE).sum())
    return round(100.0 * c / n, 2)


def compare(root, run):
    torch.set_num_threads(1)
    torch32, zero = steps(root, torch.float32)
    torch64, _ = steps(root, torch.float64)
    mine = OrderedDict((n, torch.load(os.path.join(run, f"latest_net_{n}.pth"))) for n in NAMES)
    print(json.dumps(OrderedDict([
        ("vs_pytorch_pct", within(mine, torch32)),
        ("vs_pytorch_nonzero_grad_pct", within(mine, torch32, zero)),
        ("vs_float64_pct", within(mine, torch64)),
        ("pytorch_vs_float64_pct", within(torch32, torch64)),
        ("elements", sum(t.numel() for sd in torch32.values() for t in sd.values())),
        ("zero_gradient_elements", sum(t.numel() for n in NAMES for k, t in torch32[n].items() if f"{n}.{k}" in zero)),
    ])))


if __name__ == "__main__":
    {"prepare": prepare, "compare": compare}[sys.argv[1]](*sys.argv[2:])
