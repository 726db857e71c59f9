"""Writes a full-size NAS-Bench-201 benchmark file (.pth) for import benchmarks: the dict the NAS-Bench-201 API loads
({'meta_archs', 'total_archs', 'arch2infos': {i: {'full': …, 'less': …}}, 'evaluated_indexes'}) with every arch's
entry made from the real NATS sample record 000011 relabelled as arch i ('full' = its 200-epoch state, 'less' = its
12-epoch state, as the importer tests build them). Only the sizes and the format matter; the numbers are the sample's.

The container is the legacy torch.save stream (five pickles: magic number, protocol version, sys info, the object,
the storage keys), which torch.load reads and the importer handles like the zip container. The object pickle is
protocol 2 with one memo across the whole stream, as a single pickle.dump of the dict would write it, but produced
arch by arch: the sample entry is pickled once and every copy is emitted with its memo indices shifted and its arch
index / arch string patched, so memory stays at one record and the 5 GB are written at disk speed. Unlike a real
dump, objects are never shared between archs (a real dump may refer back to interned key strings of earlier archs).

usage: /usr/bin/python3 perf/store/make-nb201-pth.py OUT.pth [N=15625] [SAMPLE_DIR=test/fixtures/reference/nats-tss-v1_0-3ffb9-simple-sample]
"""
import bz2, os, pickle, pickletools, struct, sys

out_path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 15625
sample = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'reference', 'nats-tss-v1_0-3ffb9-simple-sample')
meta = pickle.loads(bz2.decompress(open(os.path.join(sample, 'meta.pickle.pbz2'), 'rb').read()))
archs = meta['meta_archs']
record = pickle.loads(bz2.decompress(open(os.path.join(sample, '000011.pickle.pbz2'), 'rb').read()))

MARKER_STR = '\x00arch-string-placeholder\x00'
MARKER_INT = 0x7edcba98  # pickled as BININT (4 bytes), so every arch index can take its place
entry = {'full': record['200'], 'less': record['12']}
for state in entry.values():
    state['arch_index'] = MARKER_INT
    state['arch_str'] = MARKER_STR
    for result in state['all_results'].values():
        result['arch_config']['arch_str'] = MARKER_STR

GETS = {'BINGET', 'LONG_BINGET'}
PUTS = {'BINPUT', 'LONG_BINPUT'}


def compile_fragment(obj):
    """obj pickled (protocol 2, no PROTO/STOP) as parts: bytes, ('memo', local index) or ('int',) / ('str',) holes."""
    data = pickle.dumps(obj, protocol=2)
    ops = list(pickletools.genops(data))
    parts, puts, last = [], 0, 2  # skip PROTO 2
    for k, (op, arg, pos) in enumerate(ops):
        end = ops[k + 1][2] if k + 1 < len(ops) else len(data)
        if op.name == 'PROTO':
            last = end
            continue
        if op.name == 'STOP':
            parts.append(data[last:pos])
            last = end
            break
        if op.name in GETS or op.name in PUTS:
            parts.append(data[last:pos])
            parts.append((b'j' if op.name in GETS else b'r', arg))
            if op.name in PUTS:
                puts += 1
            last = end
        elif op.name == 'BININT' and arg == MARKER_INT:
            parts.append(data[last:pos])
            parts.append(('int',))
            last = end
        elif op.name in ('BINUNICODE', 'SHORT_BINUNICODE') and arg == MARKER_STR:
            parts.append(data[last:pos])
            parts.append(('str',))
            last = end
    parts = [p for p in parts if p != b'']
    return parts, puts


def emit(parts, base, index=None, arch=None):
    enc = arch.encode('utf-8') if arch is not None else None
    out = []
    for p in parts:
        if isinstance(p, bytes):
            out.append(p)
        elif p[0] == 'int':
            out.append(b'J' + struct.pack('<i', index))
        elif p[0] == 'str':
            out.append(b'X' + struct.pack('<I', len(enc)) + enc)
        else:
            out.append(p[0] + struct.pack('<I', base + p[1]))
    return b''.join(out)


class Writer:
    def __init__(self, f):
        self.f, self.memo = f, 0

    def value(self, obj):
        parts, puts = compile_fragment(obj)
        self.f.write(emit(parts, self.memo))
        self.memo += puts

    def put(self):
        self.f.write(b'r' + struct.pack('<I', self.memo))
        self.memo += 1


with open(out_path, 'wb') as f:
    # torch.save's legacy header: magic number, protocol version, sys info (each its own pickle)
    for head in (0x1950a86a20f9469cfc6c, 1001, {'protocol_version': 1001, 'little_endian': True,
                                                 'type_sizes': {'short': 2, 'int': 4, 'long': 4}}):
        pickle.dump(head, f, protocol=2)
    w = Writer(f)
    f.write(b'\x80\x02}')  # PROTO 2, EMPTY_DICT
    w.put()
    f.write(b'(')  # MARK
    w.value('meta_archs'); w.value(list(archs))
    w.value('total_archs'); w.value(15625)
    w.value('arch2infos')
    f.write(b'}')
    w.put()
    template, puts = compile_fragment(entry)
    for start in range(0, n, 1000):  # SETITEMS in batches of 1000, as pickle.dump writes a dict
        f.write(b'(')
        for i in range(start, min(start + 1000, n)):
            f.write(pickle.dumps(i, protocol=2)[2:-1])
            f.write(emit(template, w.memo, i, archs[i]))
            w.memo += puts
        f.write(b'u')
    w.value('evaluated_indexes'); w.value(list(range(n)))
    f.write(b'u.')  # SETITEMS of the top dict, STOP
    pickle.dump([], f, protocol=2)  # storage keys: the benchmark holds no tensors
print('wrote %d archs to %s (%d bytes)' % (n, out_path, os.path.getsize(out_path)))
