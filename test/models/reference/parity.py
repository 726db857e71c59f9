"""Parity run for test/models/parity.test.ts.

usage: parity.py <dir>   (reads <dir>/job.json, inputs.bin, targets.bin;
                          writes state.bin, names.json, logits.bin, result.json, logits_after.bin, state_after.bin)

Builds the reference TinyNetwork (the size space's when job.json has `widths`) under torch.manual_seed(seed), dumps
its initial state dict (float32/int64 values concatenated in state-dict order), the eval-mode logits for the batch,
then trains `steps` SGD steps (nesterov, lr 0.1, momentum 0.9, wd 5e-4, cross-entropy) in train mode and records each
step's loss, the final state dict (same layout) and the final logits.
"""
import json, os, sys
import numpy as np
import torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiny_network import TinyNetwork

torch.set_num_threads(1)
d = sys.argv[1]
job = json.load(open(os.path.join(d, 'job.json')))
n, c, s = job['batch'], job['channels'], job['side']
x = torch.from_numpy(np.fromfile(os.path.join(d, 'inputs.bin'), dtype='<f4').reshape(n, c, s, s))
y = torch.from_numpy(np.fromfile(os.path.join(d, 'targets.bin'), dtype='<i8'))
torch.manual_seed(job['seed'])
net = TinyNetwork(job['C'], job['N'], job['arch'], job['classes'], c, job.get('widths'))


def dump_state(path):
    with open(path, 'wb') as f:
        for v in net.state_dict().values():
            f.write(v.detach().numpy().astype('<f4' if v.dtype == torch.float32 else '<i8').tobytes())


json.dump([[k, list(v.shape), str(v.dtype)] for k, v in net.state_dict().items()], open(os.path.join(d, 'names.json'), 'w'))
dump_state(os.path.join(d, 'state.bin'))
net.eval()
with torch.no_grad():
    net(x)[1].numpy().astype('<f4').tofile(os.path.join(d, 'logits.bin'))
net.train()
opt = torch.optim.SGD(net.parameters(), lr=job['lr'], momentum=0.9, weight_decay=5e-4, nesterov=True)
crit = torch.nn.CrossEntropyLoss()
losses = []
for step in range(job['steps']):
    opt.zero_grad()
    loss = crit(net(x)[1], y)
    loss.backward()
    opt.step()
    losses.append(loss.item())
dump_state(os.path.join(d, 'state_after.bin'))
net.eval()
with torch.no_grad():
    net(x)[1].numpy().astype('<f4').tofile(os.path.join(d, 'logits_after.bin'))
json.dump({'losses': losses}, open(os.path.join(d, 'result.json'), 'w'))
