"""PyTorch half of perf/train/train-bench.ts: one configuration per process, so peak RSS is per configuration.

usage: train_bench.py <arch> <batch> <warmup> <steps> <threads> [device] [contiguous|channels_last]
Builds the reference TinyNetwork C16 N5 (test/models/reference/tiny_network.py, the same network as aa-nas's) and
times full training steps (forward, cross-entropy, backward, SGD nesterov) on one fixed random batch. Prints JSON.
"""
import json, os, resource, statistics, sys, time
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'models', 'reference'))
from tiny_network import TinyNetwork

arch, batch, warmup, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
device = sys.argv[6] if len(sys.argv) > 6 else 'cpu'
fmt = torch.channels_last if len(sys.argv) > 7 and sys.argv[7] == 'channels_last' else torch.contiguous_format
torch.set_num_threads(threads)
torch.manual_seed(0)
net = TinyNetwork(16, 5, arch, 10).to(device).to(memory_format=fmt)
net.train()
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
crit = torch.nn.CrossEntropyLoss()
x = torch.randn(batch, 3, 32, 32, device=device).contiguous(memory_format=fmt)
y = torch.randint(0, 10, (batch,), device=device)
times, phases = [], []
for i in range(warmup + steps):
    t0 = time.perf_counter()
    opt.zero_grad()
    loss = crit(net(x)[1], y)
    loss.item()
    t1 = time.perf_counter()
    loss.backward()
    t2 = time.perf_counter()
    opt.step()
    loss.item()
    t3 = time.perf_counter()
    if i >= warmup:
        times.append(t3 - t0)
        phases.append([t1 - t0, t2 - t1, t3 - t2])
best = phases[times.index(min(times))]
print(json.dumps({'median_s': statistics.median(times), 'times': times, 'best_phases_s': best, 'max_rss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  'torch': torch.__version__, 'threads': torch.get_num_threads()}))
