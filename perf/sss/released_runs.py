"""Prints the runs of NATS-sss `-simple` arch files (e.g. the sample in test/fixtures/reference/
nats-sss-v1_0-50262-simple-sample) as aa-nas RunRecord JSON with their times and latencies (accuracies left out),
for perf/sss/time-correction-check.mjs.

usage: python3 released_runs.py <arch file>.pickle.pbz2 ...
"""
import bz2, json, pickle, sys

out = []
for path in sys.argv[1:]:
    for hp, ar in pickle.load(bz2.open(path)).items():
        for (dataset, seed), rc in ar['all_results'].items():
            epochs = rc['epochs']
            evals = {}
            for s in rc['eval_names']:
                at = sorted(int(k.split('@')[1]) for k in rc['eval_times'] if k.startswith(s + '@'))
                evals[s] = {'epochs': at, 'loss': None, 'acc': None, 'time': [float(rc['eval_times'][f'{s}@{e}']) for e in at]}
            out.append({
                'archIndex': ar['arch_index'], 'arch': ar['arch_str'], 'hp': hp, 'dataset': dataset, 'seed': int(seed),
                'epochs': epochs, 'params': float(rc['params']), 'flops': float(rc['flop']),
                'latency': [float(x) for x in rc['latency']],
                'config': {'channel': int(ar['arch_str'].split(':')[0]), 'numCells': 1, 'classNum': 0},
                'train': {'loss': None, 'acc1': None, 'acc5': None, 'time': [float(rc['train_times'][e]) for e in range(epochs)]},
                'evals': evals,
                'provenance': {'seedImputed': False, 'timesEstimated': True, 'device': None, 'source': 'nats-sss-v1_0'},
            })
json.dump(out, sys.stdout)
