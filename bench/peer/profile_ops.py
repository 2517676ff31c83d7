"""Where a PyTorch step's time goes (torch.profiler, CPU), for the same tasks as bench/profile-engine.ts."""
import json
import sys

import torch
from torch.profiler import ProfilerActivity, profile

import speed  # noqa: F401  (sets threads)
from speed import make_task
from twins import nhwc_to_nchw, read_array

torch.set_num_threads(2)


def main(data_dir, out, models='cnn-small,madry-mnist', tasks='train-clean,train-fgsm,train-pgd7,eval-pgd20'):
    x = torch.from_numpy(nhwc_to_nchw(read_array(f'{data_dir}/test-x.bin')))
    y = torch.from_numpy(read_array(f'{data_dir}/test-y.bin').astype('int64'))
    rows = []
    for arch in models.split(','):
        for task in tasks.split(','):
            fn, b = make_task(arch, task, x, y, 64, 64, 64, 20, 0.3)
            for _ in range(3):
                fn()
            with profile(activities=[ProfilerActivity.CPU]) as prof:
                fn()
            ka = sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)
            total = sum(e.self_cpu_time_total for e in ka)
            top = [{'name': e.key, 'ms': e.self_cpu_time_total / 1000, 'calls': e.count, 'share': e.self_cpu_time_total / total} for e in ka[:12]]
            rows.append({'model': arch, 'task': task, 'batch': b, 'selfCpuMsSum': total / 1000, 'top': top})
            print(f"{arch} {task}: {total/1000:.1f} ms self CPU; top: " + ', '.join(f"{t['name']} {t['share']*100:.0f}%" for t in top[:6]), flush=True)
    json.dump({'note': 'torch.profiler self CPU time by op', 'rows': rows}, open(out, 'w'), indent=2)


if __name__ == '__main__':
    main(*sys.argv[1:])
