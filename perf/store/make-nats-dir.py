"""Writes a NATS-Bench tss "simple" directory of N archs for import benchmarks: every file is the real sample
record 000011 re-labelled as arch i (index and arch string from the sample meta file's meta_archs), pickled and
bzip2-compressed like the originals. The numbers are the sample's; only the sizes and the format matter here.

usage: /usr/bin/python3 perf/store/make-nats-dir.py OUT_DIR [N=1000] [SAMPLE_DIR=test/fixtures/reference/nats-tss-v1_0-3ffb9-simple-sample]
"""
import bz2, os, pickle, shutil, sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
sample = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'reference', 'nats-tss-v1_0-3ffb9-simple-sample')
meta = pickle.loads(bz2.decompress(open(os.path.join(sample, 'meta.pickle.pbz2'), 'rb').read()))
archs = meta['meta_archs']
template = pickle.loads(bz2.decompress(open(os.path.join(sample, '000011.pickle.pbz2'), 'rb').read()))
os.makedirs(out, exist_ok=True)
shutil.copy(os.path.join(sample, 'meta.pickle.pbz2'), out)
# the template is relabelled in place: every field that differs between archs is overwritten on each iteration
for i in range(n):
    entry = template
    for state in entry.values():
        state['arch_index'] = i
        state['arch_str'] = archs[i]
        for result in state['all_results'].values():
            result['arch_config']['arch_str'] = archs[i]
    with open(os.path.join(out, '%06d.pickle.pbz2' % i), 'wb') as f:
        f.write(bz2.compress(pickle.dumps(entry, protocol=4)))
print('wrote %d arch files to %s' % (n, out))
