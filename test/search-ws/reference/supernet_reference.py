"""Reference search supernet in PyTorch, written from the spec (§2.1, §2.4, §7.2) as test tooling.

Run with Debian's /usr/bin/python3 (python3-torch 1.13). Usage: supernet_reference.py <case> <dir>:
reads <dir>/input.json plus raw little-endian arrays written by the TypeScript side, writes <dir>/output.json.

Cases:
  darts-v1-step  one DARTS-V1 step (weight step with clip over all parameters, then the alpha step) from the
                 state dict in <dir>/state/*.f32|i64; returns the state dict after the step and both losses.
  bench-step     times supernet training steps (DARTS weighted mode), for perf/search-ws.
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]


class ReLUConvBN(nn.Module):
    def __init__(self, cin, cout, k, stride, pad, affine, track):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(cin, cout, k, stride=stride, padding=pad, bias=False),
            nn.BatchNorm2d(cout, affine=affine, track_running_stats=track),
        )

    def forward(self, x):
        return self.op(x)


class Pool(nn.Module):
    def __init__(self):
        super().__init__()
        self.op = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)

    def forward(self, x):
        return self.op(x)


class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


def make_op(name, c, affine, track):
    if name == "none":
        return Zero()
    if name == "skip_connect":
        return nn.Identity()
    if name == "nor_conv_1x1":
        return ReLUConvBN(c, c, 1, 1, 0, affine, track)
    if name == "nor_conv_3x3":
        return ReLUConvBN(c, c, 3, 1, 1, affine, track)
    return Pool()


class ResBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv_a = ReLUConvBN(cin, cout, 3, 2, 1, True, True)
        self.conv_b = ReLUConvBN(cout, cout, 3, 1, 1, True, True)
        self.downsample = nn.Sequential(nn.AvgPool2d(2, stride=2, padding=0), nn.Conv2d(cin, cout, 1, bias=False))

    def forward(self, x):
        return self.downsample(x) + self.conv_b(self.conv_a(x))


class Cell(nn.Module):
    def __init__(self, c, track):
        super().__init__()
        self.edges = nn.ModuleDict()
        for to, frm in EDGES:
            self.edges["{}<-{}".format(to, frm)] = nn.ModuleList([make_op(o, c, False, track) for o in OPS])

    def forward_fixed(self, x, ops):
        nodes = [x]
        for to in range(1, 4):
            acc = None
            for frm in range(to):
                e = EDGES.index((to, frm))
                t = self.edges["{}<-{}".format(to, frm)][ops[e]](nodes[frm])
                acc = t if acc is None else acc + t
            nodes.append(acc)
        return nodes[3]

    def forward(self, x, weights):
        nodes = [x]
        for to in range(1, 4):
            acc = None
            for frm in range(to):
                e = EDGES.index((to, frm))
                # every candidate times its weight, summed in op order
                term = None
                for k, op in enumerate(self.edges["{}<-{}".format(to, frm)]):
                    t = op(nodes[frm]) * weights[e][k]
                    term = t if term is None else term + t
                acc = term if acc is None else acc + term
            nodes.append(acc)
        return nodes[3]


class Supernet(nn.Module):
    def __init__(self, C, N, classes, in_ch, track):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_ch, C, 3, padding=1, bias=False), nn.BatchNorm2d(C))
        chans = [C] * N + [2 * C] + [2 * C] * N + [4 * C] + [4 * C] * N
        reds = [False] * N + [True] + [False] * N + [True] + [False] * N
        self.cells = nn.ModuleList()
        prev = C
        for c, r in zip(chans, reds):
            self.cells.append(ResBlock(prev, c) if r else Cell(c, track))
            prev = c
        self.lastact = nn.Sequential(nn.BatchNorm2d(prev), nn.ReLU(inplace=True))
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(prev, classes)
        self.arch_parameters = nn.Parameter(1e-3 * torch.randn(len(EDGES), len(OPS)))

    def weights(self):
        return [p for n, p in self.named_parameters() if n != "arch_parameters"]

    def forward(self, x, ops=None):
        w = F.softmax(self.arch_parameters, dim=-1)
        y = self.stem(x)
        for cell in self.cells:
            if isinstance(cell, Cell):
                y = cell(y, w) if ops is None else cell.forward_fixed(y, ops)
            else:
                y = cell(y)
        y = self.global_pooling(self.lastact(y)).view(y.size(0), -1)
        return self.classifier(y)


def read(path, dtype, shape):
    with open(path, "rb") as f:
        return torch.frombuffer(bytearray(f.read()), dtype=dtype).reshape(shape)


def build(spec):
    torch.manual_seed(spec["seed"])
    return Supernet(spec["C"], spec["N"], spec["classes"], spec["in_ch"], bool(spec["track"]))


def state_lists(net):
    return {k: v.detach().double().flatten().tolist() for k, v in net.state_dict().items()}


def darts_v1_step(d, spec):
    net = build(spec)
    init = state_lists(net)
    shapes = spec["shapes"]
    loaded = {}
    for name, shape in shapes.items():
        base = os.path.join(d, "state", name)
        loaded[name] = read(base + ".i64", torch.int64, shape) if os.path.exists(base + ".i64") else read(base + ".f32", torch.float32, shape)
    net.load_state_dict(loaded)
    net.train()
    w_opt = torch.optim.SGD(net.weights(), lr=spec["lr"], momentum=0.9, weight_decay=5e-4, nesterov=True)
    a_opt = torch.optim.Adam([net.arch_parameters], lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)
    n = spec["batch"]
    xshape = [n, spec["in_ch"], spec["hw"], spec["hw"]]
    bx, by = read(os.path.join(d, "bx.f32"), torch.float32, xshape), read(os.path.join(d, "by.i64"), torch.int64, [n])
    ax, ay = read(os.path.join(d, "ax.f32"), torch.float32, xshape), read(os.path.join(d, "ay.i64"), torch.int64, [n])
    # weight step: zero the weights' grads only, clip over every parameter (alpha included)
    w_opt.zero_grad()
    base_loss = F.cross_entropy(net(bx), by)
    base_loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 5)
    w_opt.step()
    # alpha step
    a_opt.zero_grad()
    arch_loss = F.cross_entropy(net(ax), ay)
    arch_loss.backward()
    a_opt.step()
    return {"init": init, "baseLoss": base_loss.item(), "archLoss": arch_loss.item(), "after": state_lists(net)}


def bench_step(d, spec):
    """Median seconds of supernet steps: 'darts-v1' = weight step (clip 5) + alpha step, 'fixed' = one weight step of
    the architecture spec['ops'] (an RSPS / ENAS step)."""
    torch.set_num_threads(spec["threads"])
    device = spec.get("device", "cpu")
    net = build(spec).to(device)
    net.train()
    w_opt = torch.optim.SGD(net.weights(), lr=0.025, momentum=0.9, weight_decay=5e-4, nesterov=True)
    a_opt = torch.optim.Adam([net.arch_parameters], lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)
    n = spec["batch"]
    shape = (n, spec["in_ch"], spec["hw"], spec["hw"])
    xb, yb = torch.randn(*shape, device=device), torch.randint(0, spec["classes"], (n,), device=device)
    xa, ya = torch.randn(*shape, device=device), torch.randint(0, spec["classes"], (n,), device=device)
    ops = spec.get("ops")
    times = []
    for i in range(spec["warmup"] + spec["steps"]):
        t0 = time.perf_counter()
        w_opt.zero_grad()
        loss = F.cross_entropy(net(xb, ops), yb)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 5)
        w_opt.step()
        loss.item()
        if spec["mode"] == "darts-v1":
            a_opt.zero_grad()
            arch_loss = F.cross_entropy(net(xa), ya)
            arch_loss.backward()
            a_opt.step()
            arch_loss.item()
        if device != "cpu":
            torch.cuda.synchronize()
        dt = time.perf_counter() - t0
        if i >= spec["warmup"]:
            times.append(dt)
    return {"seconds": times, "version": torch.__version__, "threads": torch.get_num_threads()}


def main():
    case, d = sys.argv[1], sys.argv[2]
    with open(os.path.join(d, "input.json")) as f:
        spec = json.load(f)
    torch.set_num_threads(spec.get("threads", torch.get_num_threads()))
    out = {"darts-v1-step": darts_v1_step, "bench-step": bench_step}[case](d, spec)
    with open(os.path.join(d, "output.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
