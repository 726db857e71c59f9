"""The original NATS-Bench sss network (xautodl's DynamicShapeTinyNet) as an oracle for perf/sss/oracle-check.mjs.

usage: PYTHONPATH=<extracted xautodl> python3 xautodl_oracle.py <dir> <reference dir>

<dir>/job.json: {"costs": [[channels, classes, side], ...], "nets": [{"channels", "classes", "seed"}, ...],
                 "batch", "side", "steps", "lr"}; <dir>/inputs.bin (float32) and targets.bin (int64): one batch.
Writes <dir>/costs.json ([flops, params] per costs entry, from xautodl's get_model_infos) and, per net i,
<dir>/net-i/: names.json ([key, shape, dtype] in state-dict order), state.bin (initial state under
torch.manual_seed(seed)), logits.bin (eval mode), losses.json and state_after.bin / logits_after.bin after `steps` SGD
steps (nesterov, momentum 0.9, wd 5e-4 on all parameters, cross-entropy, train mode), and reference.json: how the
spec-written reference network (test/models/reference/tiny_network.py) compares with xautodl's when it is given
xautodl's weights (load_state_dict, strict), and whether it draws the same initial weights under the same seed.
"""
import json, os, sys
import numpy as np
import torch

from xautodl.config_utils import dict2config
from xautodl.models import get_cell_based_tiny_net
from xautodl.utils import get_model_infos

d, ref_dir = sys.argv[1], sys.argv[2]
sys.path.insert(0, ref_dir)
from tiny_network import TinyNetwork, SSS_CELL  # noqa: E402

torch.set_num_threads(1)
job = json.load(open(os.path.join(d, 'job.json')))


def original(channels, classes):
    cfg = {'name': 'infer.shape.tiny', 'channels': channels, 'genotype': SSS_CELL, 'num_classes': classes}
    return get_cell_based_tiny_net(dict2config(cfg, None))


def reference(channels, classes):
    widths = [int(c) for c in channels.split(':')]
    return TinyNetwork(widths[0], len(widths) // 3, SSS_CELL, classes, 3, widths)


costs = []
for channels, classes, side in job['costs']:
    flops, params = get_model_infos(original(channels, classes), (1, 3, side, side))
    costs.append([float(flops), float(params)])
json.dump(costs, open(os.path.join(d, 'costs.json'), 'w'))

n, s = job['batch'], job['side']
x = torch.from_numpy(np.fromfile(os.path.join(d, 'inputs.bin'), dtype='<f4').reshape(n, 3, s, s))
y = torch.from_numpy(np.fromfile(os.path.join(d, 'targets.bin'), dtype='<i8'))


def state_bytes(net):
    return b''.join(v.detach().numpy().astype('<f4' if v.dtype == torch.float32 else '<i8').tobytes() for v in net.state_dict().values())


def eval_logits(net):
    net.eval()
    with torch.no_grad():
        return net(x)[1].numpy().astype('<f4')


def train(net):
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=job['lr'], momentum=0.9, weight_decay=5e-4, nesterov=True)
    crit = torch.nn.CrossEntropyLoss()
    losses = []
    for _ in range(job['steps']):
        opt.zero_grad()
        loss = crit(net(x)[1], y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


for i, spec in enumerate(job['nets']):
    out = os.path.join(d, f'net-{i}')
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(spec['seed'])
    net = original(spec['channels'], spec['classes'])
    torch.manual_seed(spec['seed'])
    ref = reference(spec['channels'], spec['classes'])
    sd = net.state_dict()
    json.dump([[k, list(v.shape), str(v.dtype)] for k, v in sd.items()], open(os.path.join(out, 'names.json'), 'w'))
    same_names = list(sd.keys()) == list(ref.state_dict().keys())
    same_shapes = same_names and all(v.shape == ref.state_dict()[k].shape for k, v in sd.items())
    same_init = state_bytes(net) == state_bytes(ref)
    with open(os.path.join(out, 'state.bin'), 'wb') as f:
        f.write(state_bytes(net))
    ref.load_state_dict(sd, strict=True)
    logits, ref_logits = eval_logits(net), eval_logits(ref)
    logits.tofile(os.path.join(out, 'logits.bin'))
    losses, ref_losses = train(net), train(ref)
    json.dump(losses, open(os.path.join(out, 'losses.json'), 'w'))
    with open(os.path.join(out, 'state_after.bin'), 'wb') as f:
        f.write(state_bytes(net))
    after, ref_after = eval_logits(net), eval_logits(ref)
    after.tofile(os.path.join(out, 'logits_after.bin'))
    json.dump({
        'names': same_names,
        'shapes': same_shapes,
        'init_same_seed': same_init,
        'logits': logits.tobytes() == ref_logits.tobytes(),
        'max_abs_logit_diff': float(np.abs(logits - ref_logits).max()),
        'losses': losses == ref_losses,
        'state_after': state_bytes(net) == state_bytes(ref),
        'logits_after': after.tobytes() == ref_after.tobytes(),
    }, open(os.path.join(out, 'reference.json'), 'w'))
