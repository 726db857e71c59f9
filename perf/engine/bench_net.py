"""PyTorch half of perf/engine/engine-bench.ts: the same per-op loop and the same conv net, timed in one
process with the same thread count. Prints one JSON object. Run by the TypeScript bench (Debian /usr/bin/python3)."""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def relu_conv_bn(cin, cout, stride):
    return nn.Sequential(nn.ReLU(), nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout))


class Block(nn.Module):
    """Two ReLU-conv3x3-BN plus the input: the shape of a NAS-Bench-201 cell with conv edges."""

    def __init__(self, c):
        super().__init__()
        self.a = relu_conv_bn(c, c, 1)
        self.b = relu_conv_bn(c, c, 1)

    def forward(self, x):
        return x + self.b(self.a(x))


class BenchNet(nn.Module):
    def __init__(self, blocks):
        super().__init__()
        layers = [nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)]
        for i, c in enumerate([16, 32, 64]):
            if i > 0:
                layers.append(relu_conv_bn(c // 2, c, 2))
            layers += [Block(c) for _ in range(blocks)]
        layers += [nn.BatchNorm2d(64), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(64, 10)

    def forward(self, x):
        return self.classifier(self.features(x))


def op_overhead(calls, device):
    a = torch.ones(4, device=device)
    b = torch.ones(4, device=device)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(calls):
            torch.add(a, b)
        if device != "cpu":
            torch.cuda.synchronize()
        best = min(best, (time.perf_counter() - t0) / calls * 1e6)
    return best


def train_step_times(batch, blocks, steps, warmup, device):
    torch.manual_seed(0)
    net = BenchNet(blocks).to(device)
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
    x = torch.randn(batch, 3, 32, 32, device=device)
    y = torch.randint(0, 10, (batch,), device=device)
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        loss = F.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    return times


def main():
    spec = json.loads(sys.argv[1])
    torch.set_num_threads(spec["threads"])
    device = spec["device"]
    out = {"version": torch.__version__, "threads": torch.get_num_threads(), "addUs": op_overhead(spec["calls"], device), "train": []}
    for batch in spec["batches"]:
        times = train_step_times(batch, spec["blocks"], spec["steps"], spec["warmup"], device)
        out["train"].append({"batch": batch, "medianS": statistics.median(times)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
