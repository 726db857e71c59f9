"""Many-arch parity run for test/models/parity.test.ts.

usage: parity_many.py <dir> <steps>   (reads <dir>/archs.json; writes inputs.bin, targets.bin, losses.json,
                                       names.json, states.bin)

A small TinyNetwork (C 8, N 1) per arch, built under torch.manual_seed(k) for the k-th arch, trained <steps> SGD steps
(nesterov, lr 0.1, momentum 0.9, wd 5e-4) on one 4x3x16x16 batch drawn from a seeded generator; records the losses
and the trained state dict: per arch its [key, shape, dtype] list in names.json, its float32/int64 values
concatenated in state-dict order, arch after arch, in states.bin.
"""
import json, os, sys
import numpy as np
import torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiny_network import TinyNetwork

torch.set_num_threads(1)
d = sys.argv[1]
archs = json.load(open(os.path.join(d, 'archs.json')))
steps = int(sys.argv[2])
g = torch.Generator().manual_seed(5)
x = torch.randn(4, 3, 16, 16, generator=g)
y = torch.randint(0, 10, (4,), generator=g)
x.numpy().astype('<f4').tofile(os.path.join(d, 'inputs.bin'))
y.numpy().astype('<i8').tofile(os.path.join(d, 'targets.bin'))
losses, names = [], []
states = open(os.path.join(d, 'states.bin'), 'wb')
for k, arch in enumerate(archs):
    torch.manual_seed(k)
    net = TinyNetwork(8, 1, arch, 10, 3)
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
    crit = torch.nn.CrossEntropyLoss()
    arch_losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = crit(net(x)[1], y)
        loss.backward()
        opt.step()
        arch_losses.append(loss.item())
    losses.append(arch_losses)
    sd = net.state_dict()
    names.append([[key, list(v.shape), str(v.dtype)] for key, v in sd.items()])
    for v in sd.values():
        states.write(v.detach().numpy().astype('<f4' if v.dtype == torch.float32 else '<i8').tobytes())
states.close()
json.dump(losses, open(os.path.join(d, 'losses.json'), 'w'))
json.dump(names, open(os.path.join(d, 'names.json'), 'w'))
