"""Reference search supernet and search steps in PyTorch, written from the spec (§2.1, §2.4, §7.2) as test tooling.

Run with Debian's /usr/bin/python3 (python3-torch 1.13). Usage: supernet_reference.py <case> <dir>:
reads <dir>/input.json plus raw little-endian arrays written by the TypeScript side, writes <dir>/output.json.

The network reproduces the original search models' autograd graphs, not only their values: PyTorch's backward adds
the gradients reaching a tensor in the order the consuming ops were created, so the order of the forward ops decides
the rounding of every gradient. In particular a node is `sum(inputs)` as Python evaluates it (0 + t0 + t1 + ..., so
a node with one input is a new tensor even when that input is the previous node itself), an edge of the weighted
forward is `sum(op(x) * w for op, w in zip(ops, weights))` over a row of weights that Python iterates with unbind,
and a ResNet block computes its residual branch after the two convolutions.

Cases:
  darts-v1-step  one DARTS-V1 step (weight step with clip over all parameters, then the alpha step) from the
                 state dict in <dir>/state/*.f32|i64; returns the state dict after the step and both losses.
  search-steps   two search steps of each algorithm in spec["algorithms"] (darts-v1, darts-v2, gdas, setn, enas,
                 rsps), each from its own state dict (<dir>/<algo>/state/, ENAS also <dir>/<algo>/ctl/), the
                 batches bx{k}/by{k}/ax{k}/ay{k}, the seeds spec["seeds"][k] set before step k (Gumbel noise,
                 controller samples) and, for SETN and RSPS, the sampled cells spec["archs"][k]; returns per
                 algorithm the state dict, every gradient, the optimizers' state and the losses.
  bench-step     times supernet training steps (DARTS weighted mode), for perf/search-ws.
"""
import json
import os
import sys
import time
from copy import deepcopy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical

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
        out = self.conv_b(self.conv_a(x))
        return self.downsample(x) + out


class Cell(nn.Module):
    def __init__(self, c, track):
        super().__init__()
        self.edges = nn.ModuleDict()
        for to, frm in EDGES:
            self.edges["{}<-{}".format(to, frm)] = nn.ModuleList([make_op(o, c, False, track) for o in OPS])

    def _ops(self, to, frm):
        return self.edges["{}<-{}".format(to, frm)]

    def forward(self, x, weights):
        """DARTS / SETN-joint: every candidate times its weight."""
        nodes = [x]
        for to in range(1, 4):
            inputs = []
            for frm in range(to):
                row = weights[EDGES.index((to, frm))]
                inputs.append(sum(op(nodes[frm]) * w for op, w in zip(self._ops(to, frm), row)))
            nodes.append(sum(inputs))
        return nodes[3]

    def forward_gdas(self, x, hardwts, index):
        """Only the sampled op runs; every other op adds its (zero-valued) weight."""
        nodes = [x]
        for to in range(1, 4):
            inputs = []
            for frm in range(to):
                e = EDGES.index((to, frm))
                row, sel = hardwts[e], index[e].item()
                inputs.append(sum(row[k] * op(nodes[frm]) if k == sel else row[k] for k, op in enumerate(self._ops(to, frm))))
            nodes.append(sum(inputs))
        return nodes[3]

    def forward_fixed(self, x, ops):
        """One op per edge (SETN's sampled cells, ENAS, RSPS)."""
        nodes = [x]
        for to in range(1, 4):
            inputs = [self._ops(to, frm)[ops[EDGES.index((to, frm))]](nodes[frm]) for frm in range(to)]
            nodes.append(sum(inputs))
        return nodes[3]


class Supernet(nn.Module):
    def __init__(self, C, N, classes, in_ch, track, arch=True):
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
        if arch:
            self.arch_parameters = nn.Parameter(1e-3 * torch.randn(len(EDGES), len(OPS)))
        self.tau = 10.0

    def weights(self):
        return [p for n, p in self.named_parameters() if n != "arch_parameters"]

    def gdas_sample(self):
        """The straight-through hard Gumbel sample of one forward (redrawn while noise or probabilities overflow)."""
        while True:
            gumbels = -torch.empty_like(self.arch_parameters).exponential_().log()
            logits = (self.arch_parameters.log_softmax(dim=1) + gumbels) / self.tau
            probs = F.softmax(logits, dim=1)
            index = probs.max(-1, keepdim=True)[1]
            one_h = torch.zeros_like(logits).scatter_(-1, index, 1.0)
            hardwts = one_h - probs.detach() + probs
            if not (torch.isinf(gumbels).any() or torch.isinf(probs).any() or torch.isnan(probs).any()):
                return hardwts, index

    def forward(self, x, ops=None, mode=None):
        """mode None: fixed cell `ops` if given, else softmax(alpha)-weighted; mode "gdas": a fresh hard sample."""
        if mode == "gdas":
            hardwts, index = self.gdas_sample()
            self.last_index = index.view(-1).tolist()
            run = lambda cell, y: cell.forward_gdas(y, hardwts, index)
        elif ops is not None:
            run = lambda cell, y: cell.forward_fixed(y, ops)
        else:
            alphas = F.softmax(self.arch_parameters, dim=-1)
            run = lambda cell, y: cell(y, alphas)
        y = self.stem(x)
        for cell in self.cells:
            y = run(cell, y) if isinstance(cell, Cell) else cell(y)
        y = self.global_pooling(self.lastact(y)).view(y.size(0), -1)
        return self.classifier(y)


class Controller(nn.Module):
    """ENAS controller: 2-layer LSTM over the edges, one op per edge from Categorical(logits)."""

    def __init__(self, edges, ops, size=32, layers=2, tanh_constant=2.5, temperature=5.0):
        super().__init__()
        self.edges, self.tanh_constant, self.temperature = edges, tanh_constant, temperature
        self.register_parameter("input_vars", nn.Parameter(torch.empty(1, 1, size)))
        self.w_lstm = nn.LSTM(input_size=size, hidden_size=size, num_layers=layers)
        self.w_embd = nn.Embedding(ops, size)
        self.w_pred = nn.Linear(size, ops)

    def forward(self):
        inputs, state = self.input_vars, None
        log_probs, entropies, arch = [], [], []
        for _ in range(self.edges):
            outputs, state = self.w_lstm(inputs, state)
            logits = self.tanh_constant * torch.tanh(self.w_pred(outputs) / self.temperature)
            dist = Categorical(logits=logits)
            op = dist.sample()
            arch.append(op.item())
            log_probs.append(dist.log_prob(op).view(-1))
            entropies.append(dist.entropy().view(-1))
            inputs = self.w_embd(op)
        return torch.sum(torch.cat(log_probs)), torch.sum(torch.cat(entropies)), arch


def read(path, dtype, shape):
    with open(path, "rb") as f:
        return torch.frombuffer(bytearray(f.read()), dtype=dtype).reshape(shape)


def build(spec, arch=True):
    torch.manual_seed(spec["seed"])
    return Supernet(spec["C"], spec["N"], spec["classes"], spec["in_ch"], bool(spec["track"]), arch)


def load_state(module, folder, shapes):
    loaded = {}
    for name, shape in shapes.items():
        base = os.path.join(folder, name)
        loaded[name] = read(base + ".i64", torch.int64, shape) if os.path.exists(base + ".i64") else read(base + ".f32", torch.float32, shape)
    module.load_state_dict(loaded)


def as_list(t):
    return None if t is None else t.detach().double().flatten().tolist()


def state_lists(net):
    return {k: as_list(v) for k, v in net.state_dict().items()}


def grad_lists(module):
    return {n: as_list(p.grad) for n, p in module.named_parameters()}


def optimizer_state(opt):
    """Per parameter index (in the optimizer's order): its state tensors, as PyTorch keeps them."""
    out = {}
    for i, p in enumerate(opt.param_groups[0]["params"]):
        for key, value in opt.state[p].items():
            out["{}.{}".format(i, key)] = as_list(value) if torch.is_tensor(value) else [float(value)]
    return out


def darts_v1_step(d, spec):
    net = build(spec)
    init = state_lists(net)
    load_state(net, os.path.join(d, "state"), spec["shapes"])
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


# ---------------------------------------------------------------- two search steps of each algorithm


def flat(ts):
    return torch.cat([t.view(-1) for t in ts])


def hessian_vector_product(net, vector, bx, by, r):
    """(d/d alpha L(w + R v) - d/d alpha L(w - R v)) / 2R with R = r / ||v|| a float32 tensor, ||v|| the norm of all
    of v at once, w moved in place (+Rv, -2Rv, +Rv) with R and 2R as Python scalars (the original's deprecated
    `p.data.add_(R, v)` / `sub_(2 * R, v)`), the difference divided by the tensor 2R."""
    R = r / flat(vector).norm()
    with torch.no_grad():
        for p, v in zip(net.weights(), vector):
            p.add_(v, alpha=R.item())
    grad_plus = torch.autograd.grad(F.cross_entropy(net(bx), by), [net.arch_parameters])[0]
    with torch.no_grad():
        for p, v in zip(net.weights(), vector):
            p.sub_(v, alpha=(2 * R).item())
    grad_minus = torch.autograd.grad(F.cross_entropy(net(bx), by), [net.arch_parameters])[0]
    with torch.no_grad():
        for p, v in zip(net.weights(), vector):
            p.add_(v, alpha=R.item())
    return (grad_plus - grad_minus).div_(2 * R)


def unrolled_alpha_grad(net, r, w_opt, bx, by, ax, ay):
    """DARTS-V2's alpha gradient: a virtual SGD step on a copy of the network, its validation gradient, minus lr
    times the finite-difference Hessian-vector product. Sets net.arch_parameters.grad, returns the copy's loss."""
    loss = F.cross_entropy(net(bx), by)
    group = w_opt.param_groups[0]
    lr, wd, momentum = group["lr"], group["weight_decay"], group["momentum"]
    weights = net.weights()
    with torch.no_grad():
        theta = flat(weights)
        buffers = [w_opt.state[p].get("momentum_buffer") for p in weights]
        moment = flat(buffers).mul_(momentum) if all(b is not None for b in buffers) else torch.zeros_like(theta)
        dtheta = flat(torch.autograd.grad(loss, weights)) + wd * theta
        params = theta.sub(moment + dtheta, alpha=lr)
    copy = deepcopy(net)
    with torch.no_grad():
        offset = 0
        for p in copy.weights():
            p.copy_(params[offset : offset + p.numel()].view(p.size()))
            offset += p.numel()
    copy.zero_grad()
    copy_loss = F.cross_entropy(copy(ax), ay)
    copy_loss.backward()
    dalpha = copy.arch_parameters.grad
    vector = [p.grad for p in copy.weights()]
    implicit = hessian_vector_product(net, vector, bx, by, r)
    dalpha.sub_(implicit, alpha=lr)
    if net.arch_parameters.grad is None:
        net.arch_parameters.grad = dalpha.clone()
    else:
        net.arch_parameters.grad.copy_(dalpha)
    return copy_loss.item()


def weight_step(net, w_opt, params, x, y, clip, **forward):
    w_opt.zero_grad()
    loss = F.cross_entropy(net(x, **forward), y)
    loss.backward()
    if clip > 0:
        torch.nn.utils.clip_grad_norm_(params, clip)
    w_opt.step()
    return loss.item()


def alpha_step(net, a_opt, x, y, **forward):
    a_opt.zero_grad()
    loss = F.cross_entropy(net(x, **forward), y)
    loss.backward()
    a_opt.step()
    return loss.item()


def top1_fraction(logits, targets):
    """Top-1 of the batch as the original's reward: from the top-5 predictions, percent in float32, then / 100."""
    pred = logits.topk(5, 1, True, True)[1].t()
    correct = pred.eq(targets.view(1, -1).expand_as(pred))
    percent = correct[:1].reshape(-1).float().sum(0, keepdim=True).mul_(100.0 / targets.size(0))
    return percent.view(-1) / 100


def search_steps(d, spec):
    n = spec["batch"]
    xshape = [n, spec["in_ch"], spec["hw"], spec["hw"]]
    batches = []
    for k in range(len(spec["seeds"])):
        batch = {}
        for side in ("b", "a"):
            batch[side + "x"] = read(os.path.join(d, "{}x{}.f32".format(side, k)), torch.float32, xshape)
            batch[side + "y"] = read(os.path.join(d, "{}y{}.i64".format(side, k)), torch.int64, [n])
        batches.append(batch)
    out = {}
    for algo in spec["algorithms"]:
        s = spec["settings"][algo]
        w = s["weight"]
        has_alpha = algo not in ("enas", "rsps")
        net = build(spec, has_alpha)
        folder = os.path.join(d, algo)
        load_state(net, os.path.join(folder, "state"), spec["shapes"][algo])
        net.train()
        w_opt = torch.optim.SGD(net.weights(), lr=w["lr"], momentum=w["momentum"], weight_decay=w["weightDecay"], nesterov=w["nesterov"])
        a_opt = torch.optim.Adam([net.arch_parameters], lr=s["arch"]["lr"], betas=tuple(s["arch"]["betas"]), weight_decay=s["arch"]["weightDecay"]) if has_alpha else None
        clip = w["gradientClip"]
        losses, sampled = [], []
        ctl = c_opt = None
        if algo == "enas":
            c = s["controller"]
            ctl = Controller(len(EDGES), len(OPS), c["lstmSize"], c["lstmLayers"], c["tanhConstant"], c["temperature"])
            load_state(ctl, os.path.join(folder, "ctl"), spec["ctlShapes"])
            c_opt = torch.optim.Adam(ctl.parameters(), lr=c["lr"], betas=tuple(c["betas"]), eps=c["eps"])
        for k, b in enumerate(batches):
            torch.manual_seed(spec["seeds"][k])
            for group in w_opt.param_groups:
                group["lr"] = s["lrs"][k]
            if algo == "darts-v1":
                losses.append(weight_step(net, w_opt, net.parameters(), b["bx"], b["by"], clip))
                losses.append(alpha_step(net, a_opt, b["ax"], b["ay"]))
            elif algo == "darts-v2":
                a_opt.zero_grad()
                losses.append(unrolled_alpha_grad(net, s["unrolledR"], w_opt, b["bx"], b["by"], b["ax"], b["ay"]))
                a_opt.step()
                losses.append(weight_step(net, w_opt, net.parameters(), b["bx"], b["by"], clip))
            elif algo == "gdas":
                net.tau = spec["taus"][k]
                losses.append(weight_step(net, w_opt, net.parameters(), b["bx"], b["by"], clip, mode="gdas"))
                sampled.append(net.last_index)
                losses.append(alpha_step(net, a_opt, b["ax"], b["ay"], mode="gdas"))
                sampled.append(net.last_index)
            elif algo == "setn":
                ops = spec["archs"][k]
                net.zero_grad()
                loss = F.cross_entropy(net(b["bx"], ops=ops), b["by"])
                loss.backward()
                if clip > 0:
                    torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
                w_opt.step()
                losses.append(loss.item())
                net.zero_grad()
                losses.append(alpha_step(net, a_opt, b["ax"], b["ay"]))
            elif algo == "rsps":
                losses.append(weight_step(net, w_opt, net.parameters(), b["bx"], b["by"], clip, ops=spec["archs"][k]))
            elif algo == "enas":
                with torch.no_grad():
                    ops = ctl()[2]
                sampled.append(ops)
                losses.append(weight_step(net, w_opt, net.parameters(), b["bx"], b["by"], clip, ops=ops))
        if algo == "enas":
            out[algo + ".controller"] = controller_updates(net, ctl, c_opt, spec, batches, s["controller"], sampled)
        out[algo] = {
            "state": state_lists(net),
            "grads": grad_lists(net),
            "wopt": optimizer_state(w_opt),
            "aopt": optimizer_state(a_opt) if a_opt is not None else {},
            "losses": losses,
            "sampled": sampled,
        }
    return out


def controller_updates(net, ctl, c_opt, spec, batches, c, sampled):
    """ENAS controller training: per update, `numAggregate` samples each scored on a batch with the network in eval
    mode, REINFORCE loss / numAggregate accumulated, then clip and Adam. The baseline of the first update is the
    reward's accuracy (the first epoch), the second update starts from the first one's last baseline. Returns the
    gradients (clipped) and Adam state after each update."""
    net.eval()
    ctl.train()
    ctl.zero_grad()
    previous = None
    records, updates = [], []
    for u in range(c["updates"]):
        last = None
        for a in range(c["numAggregate"]):
            step = u * c["numAggregate"] + a
            b = batches[step % len(batches)]
            torch.manual_seed(spec["ctlSeeds"][step])
            log_prob, entropy, ops = ctl()
            sampled.append(ops)
            with torch.no_grad():
                top1 = top1_fraction(net(b["ax"], ops=ops), b["ay"])
            reward = top1 + c["entropyWeight"] * entropy
            baseline = top1 if previous is None else previous - (1 - c["baselineDecay"]) * (previous - reward)
            loss = -1 * log_prob * (reward - baseline)
            records.append({"loss": loss.item(), "reward": reward.item(), "baseline": baseline.item()})
            (loss / c["numAggregate"]).backward()
            last = baseline.item()
        torch.nn.utils.clip_grad_norm_(ctl.parameters(), c["gradientClip"])
        c_opt.step()
        updates.append({"grads": grad_lists(ctl), "opt": optimizer_state(c_opt)})
        ctl.zero_grad()
        previous = last
    net.train()
    return {"state": state_lists(ctl), "updates": updates, "records": records}


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


def serve_cases(cases):
    """The command line of the references: `<script> <case> <dir>` runs cases[case] on <dir>/input.json (and the raw
    arrays beside it) and writes its result to <dir>/output.json."""
    case, d = sys.argv[1], sys.argv[2]
    with open(os.path.join(d, "input.json")) as f:
        spec = json.load(f)
    torch.set_num_threads(spec.get("threads", torch.get_num_threads()))
    out = cases[case](d, spec)
    with open(os.path.join(d, "output.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    serve_cases({"darts-v1-step": darts_v1_step, "search-steps": search_steps, "bench-step": bench_step})
