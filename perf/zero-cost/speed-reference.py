"""PyTorch side of perf/zero-cost/speed.mjs: times each proxy of test/zero-cost/reference/proxies.py per arch.

usage: speed-reference.py <job dir>   (job.json {seed, classes, shape, proxies}, inputs.bin, labels.bin as proxies.py)
then one JSON line per arch on stdin: {"arch": "..."}; answers one line {"seconds": {proxy: s}, "cpuSeconds": all proxies' process CPU time, "scores": {proxy: v}}.
The reference computes every proxy in its own pass (a fresh network each), as NASLib does; one thread
(proxies.py sets torch.set_num_threads(1)). Loading torch and the first (warm-up) arch are not timed by the caller.
"""
import json, os, runpy, sys, time

here = os.path.dirname(os.path.abspath(__file__))
ref = runpy.run_path(os.path.join(here, '..', '..', 'test', 'zero-cost', 'reference', 'proxies.py'), run_name='reference')
job = ref['job']
for line in sys.stdin:
    job['arch'] = json.loads(line)['arch']
    seconds, scores = {}, {}
    cpu = time.process_time()
    for name in job['proxies']:
        start = time.perf_counter()
        scores[name] = ref[name]()
        seconds[name] = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    print(json.dumps({'seconds': seconds, 'cpuSeconds': cpu_seconds, 'scores': scores}), flush=True)
