"""The benchmark's training procedure (spec §3) in PyTorch, fed the same data order as aa-nas's trainer, for parity tests.

usage: train_reference.py <models reference dir> <job dir>
job.json: arch, seed, C, N, classes, epochs, batch, pad, mean, std, side, channels, n_train, train_idx, eval_idx
pixels.bin: uint8 images (count × C × H × W), labels.bin: int32
Writes result.json with per-epoch train loss/top-1/top-5 and eval loss/top-1/top-5.

Epoch e's order and augmentation: r = random.Random((seed << 32) + e); r.shuffle(order); then per position
flip = r.random() < 0.5, dy = r.randrange(2·pad+1), dx = r.randrange(2·pad+1) (aa-nas's documented plan).
"""
import json, math, os, random, sys
import numpy as np
import torch
sys.path.insert(0, sys.argv[1])
from tiny_network import TinyNetwork

torch.set_num_threads(1)
d = sys.argv[2]
job = json.load(open(os.path.join(d, 'job.json')))
C, S = job['channels'], job['side']
pixels = np.fromfile(os.path.join(d, 'pixels.bin'), dtype=np.uint8).reshape(-1, C, S, S)
labels = np.fromfile(os.path.join(d, 'labels.bin'), dtype='<i4').astype(np.int64)
mean = torch.as_tensor([x / 255 for x in job['mean']], dtype=torch.float32)[:, None, None]
std = torch.as_tensor([x / 255 for x in job['std']], dtype=torch.float32)[:, None, None]
pad = job['pad']


def to_input(img):  # C×H×W uint8 → normalized float32 (ToTensor + Normalize)
    return torch.from_numpy(np.ascontiguousarray(img)).float().div(255).sub_(mean).div_(std)


def accuracy(logits, target):
    _, pred = logits.topk(5, 1, True, True)
    correct = pred.t().eq(target.view(1, -1).expand_as(pred.t()))
    bs = target.size(0)
    return [correct[:k].reshape(-1).float().sum(0).mul_(100.0 / bs).item() for k in (1, 5)]


class Meter:
    def __init__(self): self.sum, self.n = 0.0, 0
    def update(self, v, n): self.sum += v * n; self.n += n
    @property
    def avg(self): return self.sum / self.n


torch.manual_seed(job['seed'])
net = TinyNetwork(job['C'], job['N'], job['arch'], job['classes'], C)
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
crit = torch.nn.CrossEntropyLoss()
E, B = job['epochs'], job['batch']
out = {'train': [], 'eval': []}
for epoch in range(E):
    lr = 0.0 + (0.1 - 0.0) * (1 + math.cos(math.pi * epoch / E)) / 2
    for g in opt.param_groups: g['lr'] = lr
    r = random.Random((job['seed'] << 32) + epoch)
    order = list(job['train_idx']); r.shuffle(order)
    draws = [(r.random() < 0.5, r.randrange(2 * pad + 1), r.randrange(2 * pad + 1)) for _ in order]
    net.train()
    ml, m1, m5 = Meter(), Meter(), Meter()
    for s in range(0, len(order), B):
        xs = []
        for i, (flip, dy, dx) in zip(order[s:s + B], draws[s:s + B]):
            img = pixels[i][:, :, ::-1] if flip else pixels[i]
            img = np.pad(img, ((0, 0), (pad, pad), (pad, pad)))[:, dy:dy + S, dx:dx + S]
            xs.append(to_input(img))
        x, y = torch.stack(xs), torch.from_numpy(labels[order[s:s + B]])
        opt.zero_grad()
        logits = net(x)[1]
        loss = crit(logits, y)
        loss.backward()
        opt.step()
        a1, a5 = accuracy(logits.data, y)
        ml.update(loss.item(), y.size(0)); m1.update(a1, y.size(0)); m5.update(a5, y.size(0))
    out['train'].append([ml.avg, m1.avg, m5.avg])
    net.eval()
    ml, m1, m5 = Meter(), Meter(), Meter()
    with torch.no_grad():
        idx = job['eval_idx']
        for s in range(0, len(idx), B):
            x = torch.stack([to_input(pixels[i]) for i in idx[s:s + B]])
            y = torch.from_numpy(labels[idx[s:s + B]])
            logits = net(x)[1]
            a1, a5 = accuracy(logits, y)
            ml.update(crit(logits, y).item(), y.size(0)); m1.update(a1, y.size(0)); m5.update(a5, y.size(0))
    out['eval'].append([ml.avg, m1.avg, m5.avg])
json.dump(out, open(os.path.join(d, 'result.json'), 'w'))
