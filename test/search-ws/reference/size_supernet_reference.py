"""Reference channel-search supernet of the size space and its search steps in PyTorch, written from the nats-sss spec
(§2, §4.2) as test tooling for test/search-ws/size-parity.test.ts.

Run with Debian's /usr/bin/python3 (python3-torch 1.13). Usage: size_supernet_reference.py <case> <dir>: reads
<dir>/input.json plus raw little-endian arrays written by the TypeScript side, writes <dir>/output.json.

The model: the size space's macro at full width (64 channels everywhere): stem, fixed cell, stride-2 ResNet block,
fixed cell, ResNet block, fixed cell; BN + ReLU, global pooling, linear head. With affine=False the stem and cell
convolutions carry a bias and their batch norms have no affine parameters; the ResNet blocks always use affine batch
norms with running statistics and bias-free convolutions. After module i the feature is narrowed by the algorithm,
reading row max(0, i - 1) of alpha [5, 8].

Cases:
  size-steps  per algorithm in spec["algorithms"] (tas, fbnet-v2, tunas): the initial state dict under
              spec["seed"]; then, from the state dict the TypeScript side wrote (<dir>/<algo>/state/), the steps k of
              spec["steps"] (torch seed, CPython random seed, lr, tau, warm-up ratio or null), each a weight step on
              bx{k}/by{k} and an architecture step on ax{k}/ay{k}; returns the state dict, every gradient, both
              optimizers' state, the losses, the widths each forward chose and the reward baseline.
  bench-step  times search steps (weight step + architecture step, controller on) of spec["algorithm"], for
              perf/search-ws/size-step.ts.
"""
import os
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical

from supernet_reference import grad_lists, optimizer_state, read, serve_cases, state_lists

CANDIDATES = [8, 16, 24, 32, 40, 48, 56, 64]
WIDE = CANDIDATES[-1]
ROWS = 5


def conv_unit(cin, cout, k, stride, pad, affine, track):
    return nn.Sequential(
        nn.ReLU(inplace=False),
        nn.Conv2d(cin, cout, k, stride=stride, padding=pad, bias=not affine),
        nn.BatchNorm2d(cout, affine=affine, track_running_stats=track),
    )


class ConvEdge(nn.Module):
    def __init__(self, c, affine, track):
        super().__init__()
        self.op = conv_unit(c, c, 3, 1, 1, affine, track)

    def forward(self, x):
        return self.op(x)


class SizeCell(nn.Module):
    """The size space's fixed cell. Edges in string order: 1<-0 conv, 2<-0 conv, 2<-1 conv, 3<-0 skip, 3<-1 conv,
    3<-2 conv; each node sums its edges as Python's sum() over a generator (0 + e0 + e1 ...)."""

    PLAN = [[(0, 0)], [(1, 0), (2, 1)], [(3, 0), (4, 1), (5, 2)]]

    def __init__(self, c, affine, track):
        super().__init__()
        self.layers = nn.ModuleList(
            [ConvEdge(c, affine, track), ConvEdge(c, affine, track), ConvEdge(c, affine, track), nn.Identity(),
             ConvEdge(c, affine, track), ConvEdge(c, affine, track)]
        )

    def forward(self, x):
        nodes = [x]
        for edges in self.PLAN:
            nodes.append(sum(self.layers[k](nodes[i]) for k, i in edges))
        return nodes[-1]


class Unit(nn.Module):
    """conv_unit under the name `op`, as the original's ReLUConvBN."""

    def __init__(self, seq):
        super().__init__()
        self.op = seq

    def forward(self, x):
        return self.op(x)


class ReductionBlockNamed(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv_a = Unit(conv_unit(c, c, 3, 2, 1, True, True))
        self.conv_b = Unit(conv_unit(c, c, 3, 1, 1, True, True))
        self.downsample = nn.Sequential(nn.AvgPool2d(2, stride=2, padding=0), nn.Conv2d(c, c, 1, bias=False))

    def forward(self, x):
        branch = self.conv_b(self.conv_a(x))
        return self.downsample(x) + branch


def select_two(row, tau):
    """Two distinct widths from Gumbel-perturbed log-probabilities and the softmax of their two perturbed logits."""
    while True:
        noise = -torch.empty_like(row).exponential_().log()
        perturbed = (row.log_softmax(dim=1) + noise) / tau
        probs = perturbed.softmax(dim=1)
        if not (torch.isinf(noise).any() or torch.isinf(probs).any() or torch.isnan(probs).any()):
            break
    with torch.no_grad():
        picked = torch.multinomial(probs.cpu() + 1e-7, 2, False)
    return picked, torch.gather(perturbed, 1, picked).softmax(dim=1)


def interpolate(x, width):
    if x.shape[1] == width:
        return x
    return F.adaptive_avg_pool3d(x, (width, x.shape[2], x.shape[3]))


class SizeSupernet(nn.Module):
    def __init__(self, classes, in_ch, affine, track):
        super().__init__()
        stem = nn.Sequential(nn.Conv2d(in_ch, WIDE, 3, padding=1, bias=not affine),
                             nn.BatchNorm2d(WIDE, affine=affine, track_running_stats=track))
        self._cells = nn.ModuleList([
            stem, SizeCell(WIDE, affine, track), ReductionBlockNamed(WIDE), SizeCell(WIDE, affine, track),
            ReductionBlockNamed(WIDE), SizeCell(WIDE, affine, track),
        ])
        self.lastact = nn.Sequential(nn.BatchNorm2d(WIDE, affine=affine, track_running_stats=track), nn.ReLU(inplace=True))
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(WIDE, classes)
        self.register_buffer("_tau", torch.zeros(1))
        self._arch_parameters = nn.Parameter(1e-3 * torch.randn(ROWS, len(CANDIDATES)))
        masks = torch.zeros(len(CANDIDATES), WIDE)
        for k, c in enumerate(CANDIDATES):
            masks[k, :c] = 1
        self.register_buffer("_masks", masks)

    def weights(self):
        return [p for n, p in self.named_parameters() if n != "_arch_parameters"]

    def forward(self, x, mode, rng=None, ratio=None):
        chosen, log_probs = [], []
        h = x
        for i, module in enumerate(self._cells):
            h = module(h)
            r = max(0, i - 1)
            row = self._arch_parameters[r:r + 1]
            if mode == "warmup":
                k = len(CANDIDATES) - 1 if rng.random() < ratio else rng.randint(0, len(CANDIDATES) - 1)
                chosen.append([k])
                h = h * self._masks[k].view(1, -1, 1, 1)
            elif mode == "fbnet-v2":
                w = F.gumbel_softmax(row, tau=self._tau, dim=-1)
                chosen.append([])
                h = h * torch.matmul(w, self._masks).view(1, -1, 1, 1)
            elif mode == "tas":
                picked, weights = select_two(row, self._tau)
                i1, i2 = picked.view(-1).tolist()
                chosen.append([i1, i2])
                c1, c2 = CANDIDATES[i1], CANDIDATES[i2]
                width = max(c1, c2)
                mixed = interpolate(h[:, :c1], width) * weights[0, 0] + interpolate(h[:, :c2], width) * weights[0, 1]
                if width == h.shape[1]:
                    h = mixed
                else:
                    pad = torch.zeros(h.shape[0], h.shape[1] - width, h.shape[2], h.shape[3])
                    h = torch.cat((mixed, pad), dim=1)
            elif mode == "tunas":
                dist = Categorical(F.softmax(row, dim=-1))
                a = dist.sample()
                log_probs.append(dist.log_prob(a))
                chosen.append([a.item()])
                h = h * self._masks[a.item()].view(1, -1, 1, 1)
            else:
                raise ValueError(mode)
        out = self.global_pooling(self.lastact(h))
        return self.classifier(out.view(out.size(0), -1)), log_probs, chosen


class Baseline:
    def __init__(self, momentum):
        self.num, self.den, self.m = 0.0, 0.0, momentum

    def update(self, v):
        self.num = self.m * self.num + (1 - self.m) * v
        self.den = self.m * self.den + (1 - self.m)

    def value(self):
        return self.num / self.den


def top1_percent(logits, targets):
    pred = logits.topk(1, 1, True, True)[1].t()
    hits = pred.eq(targets.view(1, -1).expand_as(pred))
    return hits[:1].contiguous().view(-1).float().sum(0, keepdim=True).mul_(100.0 / targets.size(0))


def arch_loss(algo, logits, log_probs, targets, baseline):
    """The architecture loss of search-size.py: the REINFORCE loss for tunas (the baseline fed with this batch's top-1
    first), else the cross-entropy. Returns (loss, reward or None)."""
    if algo in ("tunas", "mask_rl"):
        with torch.no_grad():
            prec1 = top1_percent(logits.data, targets)
            baseline.update(prec1.item())
            advantage = prec1 - baseline.value()
        return -advantage * sum(log_probs), prec1.item()
    return F.cross_entropy(logits, targets), None


def search_step(net, forward, w_opt, a_opt, batch, algo, baseline, enabled):
    """One step of search-size.py's search_func: with every gradient zeroed, a weight step (cross-entropy on the base
    batch); zeroed again, the architecture loss on the arch batch, stepped when the controller is on. `forward(x)`
    returns (logits, log_probs, chosen widths). Returns (weight loss, arch loss, reward or None, [chosen, chosen])."""
    bx, by, ax, ay = batch
    net.zero_grad()
    logits, _, picked_w = forward(bx)
    loss = F.cross_entropy(logits, by)
    loss.backward()
    w_opt.step()
    w_loss = loss.item()
    net.zero_grad()
    a_opt.zero_grad()
    logits, log_probs, picked_a = forward(ax)
    loss, reward = arch_loss(algo, logits, log_probs, ay, baseline)
    if enabled:
        loss.backward()
        a_opt.step()
    return w_loss, loss.item(), reward, [picked_w, picked_a]


def build(spec):
    torch.manual_seed(spec["seed"])
    return SizeSupernet(spec["classes"], spec["in_ch"], bool(spec["affine"]), bool(spec["track"]))


def load(net, folder, shapes):
    loaded = {}
    for name, shape in shapes.items():
        base = os.path.join(folder, name)
        loaded[name] = read(base + ".i64", torch.int64, shape) if os.path.exists(base + ".i64") else read(base + ".f32", torch.float32, shape)
    net.load_state_dict(loaded)


def size_steps(d, spec):
    out = {}
    n = spec["batch"]
    xshape = [n, spec["in_ch"], spec["hw"], spec["hw"]]
    for algo in spec["algorithms"]:
        s = spec["settings"][algo]
        net = build(spec)
        init = state_lists(net)
        load(net, os.path.join(d, algo, "state"), spec["shapes"])
        net.train()
        w = s["weight"]
        w_opt = torch.optim.SGD(net.weights(), lr=w["lr"], momentum=w["momentum"], weight_decay=w["weightDecay"], nesterov=w["nesterov"])
        a = s["arch"]
        a_opt = torch.optim.Adam([net._arch_parameters], lr=a["lr"], betas=tuple(a["betas"]), weight_decay=a["weightDecay"])
        baseline = Baseline(s["rlBaselineMomentum"])
        losses, chosen, rewards = [], [], []
        for k, step in enumerate(spec["steps"]):
            bx, by = read(os.path.join(d, "bx%d.f32" % k), torch.float32, xshape), read(os.path.join(d, "by%d.i64" % k), torch.int64, [n])
            ax, ay = read(os.path.join(d, "ax%d.f32" % k), torch.float32, xshape), read(os.path.join(d, "ay%d.i64" % k), torch.int64, [n])
            torch.manual_seed(step["torchSeed"])
            rng = random.Random(step["pySeed"])
            for g in w_opt.param_groups:
                g["lr"] = step["lr"]
            net._tau.data[:] = step["tau"]
            warm = step["warmup"] is not None
            mode = "warmup" if warm else algo
            w_loss, a_loss, reward, picked = search_step(
                net, lambda x: net(x, mode, rng, step["warmup"]), w_opt, a_opt, (bx, by, ax, ay), algo, baseline, not warm
            )
            losses += [w_loss, a_loss]
            chosen += picked
            if reward is not None:
                rewards.append(reward)
        out[algo] = {
            "init": init,
            "state": state_lists(net),
            "grads": grad_lists(net),
            "wopt": optimizer_state(w_opt),
            "aopt": optimizer_state(a_opt),
            "losses": losses,
            "chosen": chosen,
            "rewards": rewards,
            "baseline": [baseline.num, baseline.den],
        }
    return out


def bench_step(d, spec):
    torch.manual_seed(0)
    algo = spec["algorithm"]
    net = SizeSupernet(spec["classes"], spec["in_ch"], False, False)
    net._tau.data[:] = 5.0
    net.train()
    w_opt = torch.optim.SGD(net.weights(), lr=0.025, momentum=0.9, weight_decay=5e-4, nesterov=True)
    a_opt = torch.optim.Adam([net._arch_parameters], lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)
    n, hw = spec["batch"], spec["hw"]
    xb, yb = torch.randn(n, spec["in_ch"], hw, hw), torch.randint(0, spec["classes"], (n,))
    xa, ya = torch.randn(n, spec["in_ch"], hw, hw), torch.randint(0, spec["classes"], (n,))
    baseline = Baseline(0.95)
    times = []
    for i in range(spec["warmup"] + spec["steps"]):
        t0 = time.perf_counter()
        search_step(net, lambda x: net(x, algo), w_opt, a_opt, (xb, yb, xa, ya), algo, baseline, True)
        if i >= spec["warmup"]:
            times.append(time.perf_counter() - t0)
    return {"seconds": times, "version": torch.__version__, "threads": torch.get_num_threads()}


if __name__ == "__main__":
    serve_cases({"size-steps": size_steps, "bench-step": bench_step})
