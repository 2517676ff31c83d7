"""PyTorch side of the paired speed bench (bench/speed-pairs.mjs): the same protocol as
bench/speed-worker.ts (JSON lines on stdin/stdout), the same work as bench/peer/speed.py's tasks.

  python speed_worker.py --data EXPORT --threads N
"""
import argparse
import json
import os
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument('--data', required=True)
ap.add_argument('--threads', type=int, default=2)
a = ap.parse_args()
for k in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[k] = str(a.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import speed  # noqa: E402  (sets 2 threads at import; set ours after it)
from twins import nhwc_to_nchw, read_array  # noqa: E402

torch.set_num_threads(a.threads)
try:
    torch.set_num_interop_threads(a.threads)
except RuntimeError:
    pass

x = torch.from_numpy(nhwc_to_nchw(read_array(os.path.join(a.data, 'test-x.bin'))))
y = torch.from_numpy(read_array(os.path.join(a.data, 'test-y.bin')).astype(np.int64))
cells = {}


def reply(v):
    sys.stdout.write(json.dumps(v) + '\n')
    sys.stdout.flush()


reply({'ready': True, 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'interop': torch.get_num_interop_threads()})
for line in sys.stdin:
    if not line.strip():
        continue
    msg = json.loads(line)
    try:
        if msg['op'] == 'setup':
            t0, c0 = time.perf_counter(), time.process_time()
            fn, b = speed.make_task(msg['model'], msg['task'], x, y, 64, 100, 100, 20, 0.3)
            fn()
            first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
            fn()
            cells[msg['id']] = fn
            reply({'id': msg['id'], 'batch': b, 'firstSec': first, 'firstCpuSec': first_cpu})
        elif msg['op'] == 'run':
            fn = cells[msg['id']]
            wall, cpu = [], []
            load = os.getloadavg()[0]
            for _ in range(msg['calls']):
                t0, c0 = time.perf_counter(), time.process_time()
                fn()
                wall.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            reply({'id': msg['id'], 'wallSec': wall, 'cpuSec': cpu, 'loadavg': [load, os.getloadavg()[0]]})
        else:
            cells.pop(msg['id'], None)
            reply({'id': msg['id'], 'dropped': True})
    except Exception as err:  # noqa: BLE001
        reply({'id': msg.get('id'), 'error': repr(err)})
