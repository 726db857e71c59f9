"""Reference zero-cost proxies in PyTorch, written from the definitions in docs/zero-cost.md (test tooling).

usage: proxies.py <job dir>   (job.json {arch, seed, classes, proxies}, inputs.bin float32 NCHW, labels.bin int32)
writes <job dir>/scores.json {proxy: score}; perf/zero-cost/speed-reference.py imports it to time each proxy

Each proxy builds its own network: torch.manual_seed(seed), TinyNetwork(16, 5, arch, classes) from
test/models/reference/tiny_network.py, train mode (batch statistics in batch norm).
"""
import json, math, os, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'models', 'reference'))
from tiny_network import TinyNetwork  # noqa: E402

torch.set_num_threads(1)
job_dir = sys.argv[1]
job = json.load(open(os.path.join(job_dir, 'job.json')))
n, c, h, w = job['shape']
X = torch.from_numpy(np.fromfile(os.path.join(job_dir, 'inputs.bin'), dtype=np.float32).reshape(n, c, h, w))
Y = torch.from_numpy(np.fromfile(os.path.join(job_dir, 'labels.bin'), dtype=np.int32).astype(np.int64))
K = 1e-5


def network():
    torch.manual_seed(job['seed'])
    net = TinyNetwork(16, 5, job['arch'], job['classes'], c)
    return net.train()


def layers(net):
    return [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def loss_of(net):
    return F.cross_entropy(net(X)[1], Y)


def weight_grads(net):
    net.zero_grad()
    loss_of(net).backward()
    return [(m.weight, m.weight.grad) for m in layers(net)]


def synflow():
    net = network()
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.forward = lambda x: x
    net = net.double()
    with torch.no_grad():
        for v in net.state_dict().values():
            if v.is_floating_point():
                v.abs_()
    net.zero_grad()
    net(torch.ones(1, c, h, w, dtype=torch.float64))[1].sum().backward()
    return sum(float((m.weight * m.weight.grad).abs().sum()) for m in layers(net))


def snip():
    return sum(float((w * g).abs().sum()) for w, g in weight_grads(network()))


def grad_norm():
    return sum(float(g.norm()) for _, g in weight_grads(network()))


def plain():
    return sum(float((w * g).sum()) for w, g in weight_grads(network()))


def grasp():
    net = network()
    ws = [m.weight for m in layers(net)]
    g1 = [g.detach() for g in torch.autograd.grad(loss_of(net), ws)]
    g2 = torch.autograd.grad(loss_of(net), ws, create_graph=True)
    z = sum((a * b).sum() for a, b in zip(g1, g2))
    net.zero_grad()
    z.backward()
    return sum(float((-w.detach() * w.grad).sum()) for w in ws)


def fisher():
    net = network()
    acts = []
    for m in layers(net):
        orig = m.forward

        def fwd(x, m=m, orig=orig):
            a = orig(x)
            a.retain_grad()
            acts.append((m, a))
            return a
        m.forward = fwd
    loss_of(net).backward()
    total = 0.0
    for m, a in acts:
        p = a.detach() * a.grad
        g = p.sum(dim=(2, 3)) if p.dim() == 4 else p
        ch = 0.5 * g.pow(2).mean(0)
        total += float(ch.abs().sum()) * (m.weight.numel() // m.weight.shape[0])
    return total


def jacobian():
    net = network()
    x = X.clone().requires_grad_(True)
    net(x)[1].backward(torch.ones(n, job['classes']))
    return x.grad.reshape(n, -1).numpy().astype(np.float64)


def jacov():
    v = np.linalg.eigvalsh(np.corrcoef(jacobian()))
    return float(-np.sum(np.log(v + K) + 1.0 / (v + K)))


def epe_nas():
    J = jacobian()
    labels = Y.numpy()
    scores = []
    for cls in sorted(set(labels.tolist())):
        rows = J[labels == cls]
        if len(rows) == 1:
            if job['classes'] <= 100:
                scores.append(math.log(1 + K))
            continue
        s = float(np.sum(np.log(np.abs(np.corrcoef(rows)) + K)))
        if job['classes'] > 100:
            s /= len(rows)
        scores.append(s)
    if job['classes'] <= 100:
        return sum(abs(s) for s in scores)
    return sum(abs(a - b) for a in scores for b in scores) / len(scores)


def nwot():
    net = network()
    kern = np.zeros((n, n))

    def hook(mod, inp, out):
        codes = (inp[0].reshape(n, -1) > 0).double().numpy()
        kern[:] += codes @ codes.T + (1 - codes) @ (1 - codes).T
    for m in net.modules():
        if isinstance(m, nn.ReLU):
            m.register_forward_hook(hook)
    with torch.no_grad():
        net(X)
    return float(np.linalg.slogdet(kern)[1])


def l2_norm():
    return sum(float(m.weight.norm()) for m in layers(network()))


if __name__ == '__main__':  # perf/zero-cost/speed-reference.py loads the definitions without running them
    out = {name: globals()[name]() for name in job['proxies']}
    json.dump(out, open(os.path.join(job_dir, 'scores.json'), 'w'))
