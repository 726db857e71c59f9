"""The size searches' supernet and steps checked against the original code, outside CI.

xautodl's GenericNAS301Model (get_cell_based_tiny_net({super_type: 'search-shape', name: 'generic'}) + set_algo) against
the spec-written reference test/search-ws/reference/size_supernet_reference.py, which CI holds the engine to bit for
bit (test/search-ws/size-parity.test.ts). Per algorithm (tas, mask_gumbel = FBNet-V2, mask_rl = TuNAS), under the
same torch seed both build their supernet: state-dict names, shapes and initial bits must be equal. Then the same
steps on both — per step: torch.manual_seed, CPython random seeded (the original's warm-up uses the global `random`,
the reference a Random object with the same seed), the step's lr and tau, a weight step (SGD nesterov) and an
architecture step (Adam; for mask_rl the REINFORCE loss with the EMA(0.95) baseline as search-size.py computes it),
the controller off in warm-up steps — must leave the same losses, state dict, gradients and optimizer state.

Setup: the original package, extracted from the mirror (never into this repository):
  mkdir -p /tmp/xautodl-src && git -C /work/.mirror/D-X-Y+AutoDL-Projects/repo archive HEAD xautodl | tar -x -C /tmp/xautodl-src
Usage: PYTHONPATH=/tmp/xautodl-src /usr/bin/python3 perf/sss/ws_oracle_check.py [steps=6]
Exits 1 when anything differs.
"""
import os
import random
import sys

import torch

from xautodl.config_utils import dict2config
from xautodl.models import get_cell_based_tiny_net

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "search-ws", "reference"))
from size_supernet_reference import Baseline, SizeSupernet, search_step  # noqa: E402

GENOTYPE = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
ALGOS = {"tas": "tas", "fbnet-v2": "mask_gumbel", "tunas": "mask_rl"}
CLASSES, BATCH, SIDE, SEED = 10, 6, 16, 31
STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 6


def original(algo):
    torch.manual_seed(SEED)
    from xautodl.models.cell_searchs.genotypes import Structure

    config = dict2config(
        dict(name="generic", super_type="search-shape", candidate_Cs=[8, 16, 24, 32, 40, 48, 56, 64], max_num_Cs=5,
             num_classes=CLASSES, genotype=Structure.str2structure(GENOTYPE), affine=False, track_running_stats=False),
        None,
    )
    net = get_cell_based_tiny_net(config)
    net.set_algo(algo)
    return net


def reference():
    torch.manual_seed(SEED)
    return SizeSupernet(CLASSES, 3, False, False)


def plan():
    """Per step: torch seed, python seed, lr, tau, warm-up probability (None = controller on)."""
    steps = []
    for k in range(STEPS):
        warm = 0.8 - 0.2 * k if k in (1, 2) else None
        steps.append((9000 + k, 7000 + k, 0.025 * (1 - k / (STEPS + 1)), 10 - 9.9 * k / max(1, STEPS - 1), warm))
    return steps


def run(net, is_original, algo_key, batches):
    weights = net.weights if is_original else net.weights()
    alphas = net.alphas if is_original else [net._arch_parameters]
    w_opt = torch.optim.SGD(weights, lr=0.025, momentum=0.9, weight_decay=5e-4, nesterov=True)
    a_opt = torch.optim.Adam(alphas, lr=3e-4, betas=(0.5, 0.999), weight_decay=0 if algo_key == "tunas" else 1e-3, eps=1e-8)
    baseline = Baseline(0.95)
    losses = []
    net.train()
    for batch, (tseed, pyseed, lr, tau, warm) in zip(batches, plan()):
        torch.manual_seed(tseed)
        rng = random.Random(pyseed)
        random.seed(pyseed)
        for g in w_opt.param_groups:
            g["lr"] = lr
        if is_original:
            net.set_tau(tau)
            net.set_warmup_ratio(warm)
        else:
            net._tau.data[:] = tau

        def forward(x):
            if is_original:
                _, logits, log_probs = net(x)
                return logits, log_probs, None
            return net(x, "warmup" if warm is not None else algo_key, rng, warm)

        w_loss, a_loss, _, _ = search_step(net, forward, w_opt, a_opt, batch, algo_key, baseline, warm is None)
        losses += [w_loss, a_loss]
    grads = {n: (None if p.grad is None else p.grad.clone()) for n, p in net.named_parameters()}
    return losses, {k: v.clone() for k, v in net.state_dict().items()}, grads, w_opt.state_dict()["state"], a_opt.state_dict()["state"]


def same_tensors(a, b):
    if a.keys() != b.keys():
        return False
    for k in a:
        x, y = a[k], b[k]
        if (x is None) != (y is None):
            return False
        if x is not None and not (x.shape == y.shape and torch.equal(x.view(-1).view(torch.int32 if x.dtype == torch.float32 else x.dtype), y.view(-1).view(torch.int32 if y.dtype == torch.float32 else y.dtype))):
            return False
    return True


def same_opt(a, b):
    if a.keys() != b.keys():
        return False
    return all(same_tensors({k: v for k, v in a[i].items() if torch.is_tensor(v)}, {k: v for k, v in b[i].items() if torch.is_tensor(v)}) for i in a)


def main():
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(123)
    batches = [
        (torch.randn(BATCH, 3, SIDE, SIDE, generator=g), torch.randint(0, CLASSES, (BATCH,), generator=g),
         torch.randn(BATCH, 3, SIDE, SIDE, generator=g), torch.randint(0, CLASSES, (BATCH,), generator=g))
        for _ in range(STEPS)
    ]
    failures = []
    for key, algo in ALGOS.items():
        theirs, ours = original(algo), reference()
        names = [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
        ours_names = [(k, tuple(v.shape)) for k, v in ours.state_dict().items()]
        init = same_tensors(theirs.state_dict(), ours.state_dict())
        t_losses, t_state, t_grads, t_wopt, t_aopt = run(theirs, True, key, batches)
        o_losses, o_state, o_grads, o_wopt, o_aopt = run(ours, False, key, batches)
        checks = {
            "names and shapes": sorted(names) == sorted(ours_names),
            "initial bits": init,
            "losses": t_losses == o_losses,
            "state dict": same_tensors(t_state, o_state),
            "gradients": same_tensors(t_grads, o_grads),
            "SGD state": same_opt(t_wopt, o_wopt),
            "Adam state": same_opt(t_aopt, o_aopt),
        }
        bad = [k for k, v in checks.items() if not v]
        print("{:8s} ({:11s}) {} steps (2 warm-up): {}".format(key, algo, STEPS, "identical" if not bad else "DIFFERS in " + ", ".join(bad)))
        if bad:
            failures.append(key)
            print("  losses xautodl  ", t_losses)
            print("  losses reference", o_losses)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
