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
    reps = 5
    # The first profiler session pays kineto's start-up inside the profiled call; throw one away.
    fn0, _ = make_task(models.split(',')[0], 'train-clean', x, y, 64, 64, 64, 20, 0.3)
    with profile(activities=[ProfilerActivity.CPU]):
        fn0()
    for arch in models.split(','):
        for task in tasks.split(','):
            fn, b = make_task(arch, task, x, y, 64, 64, 64, 20, 0.3)
            for _ in range(3):
                fn()
            with profile(activities=[ProfilerActivity.CPU]) as prof:
                for _ in range(reps):
                    fn()
            # Per call: the mean over `reps` profiled calls, so one preempted call weighs less.
            ka = sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)
            total = sum(e.self_cpu_time_total for e in ka) / reps
            top = [{'name': e.key, 'ms': e.self_cpu_time_total / 1000 / reps, 'calls': e.count / reps, 'share': e.self_cpu_time_total / reps / total} for e in ka[:12]]
            rows.append({'model': arch, 'task': task, 'batch': b, 'selfCpuMsSum': total / 1000, 'top': top})
            print(f"{arch} {task}: {total/1000:.1f} ms self CPU; top: " + ', '.join(f"{t['name']} {t['share']*100:.0f}%" for t in top[:6]), flush=True)
    json.dump({'note': f'torch.profiler self CPU time by op, mean per call over {reps} profiled calls', 'rows': rows}, open(out, 'w'), indent=2)


if __name__ == '__main__':
    main(*sys.argv[1:])
