"""Peer side of the speed suite: the same work as the engine's code paths, in plain PyTorch on 2
threads, plus the machine's measured matmul peak (torch and numpy) for the GFLOP/s figures.

The algorithms mirror the engine step for step (see bench/lib/engineSpeed.ts):
- train-clean: logits, mean CE, accuracy, backward, Adam step, scalars read back;
- train-fgsm: input gradient, x + eps*sign(g) projected; CE(clean) + CE(adv) trained;
- train-pgd7: random start, 7 steps of 2.5*eps/7, a scoring forward pass, clean forward, CE(adv) trained;
- eval-pgd20: random start, 20 steps of 2.5*eps/20, a scoring forward pass;
- eval-cw: C&W L2 in tanh space, Adam lr 0.01, c = 0.1, N steps of one binary-search step, with the
  engine's per-step bookkeeping (best L2, best adversarial).
"""
import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault('OMP_NUM_THREADS', '2')
os.environ.setdefault('OPENBLAS_NUM_THREADS', '2')
os.environ.setdefault('MKL_NUM_THREADS', '2')
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from twins import ARCHS, macs, read_array, nhwc_to_nchw  # noqa: E402

torch.set_num_threads(2)


def pgd_attack(model, x, y, eps, steps, step):
    x_adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)
    for _ in range(steps):
        x_adv.requires_grad_(True)
        loss = F.cross_entropy(model(x_adv), y, reduction='sum')
        g, = torch.autograd.grad(loss, x_adv)
        with torch.no_grad():
            x_adv = torch.min(torch.max(x_adv + step * g.sign(), x - eps), x + eps).clamp(0, 1)
    with torch.no_grad():  # the engine scores each restart (success, then loss)
        logits = model(x_adv)
        _ = (logits.argmax(1) != y).float() * 1e6 + F.cross_entropy(logits, y, reduction='none')
    return x_adv.detach()


def fgsm_attack(model, x, y, eps):
    x = x.clone().requires_grad_(True)
    loss = F.cross_entropy(model(x), y, reduction='sum')
    g, = torch.autograd.grad(loss, x)
    with torch.no_grad():
        return (x + eps * g.sign()).clamp(0, 1).detach()


def cw_run(model, x, y, steps, c=0.1, lr=0.01, s=0.9):
    # The engine's change of variables: x' = clip((tanh(w)/s + 1)/2, 0, 1), s = 0.9.
    n = x.shape[0]
    w0 = torch.atanh(((x * 2 - 1) * s).clamp(-0.999, 0.999))
    w = w0.clone()
    m = torch.zeros_like(w)
    v = torch.zeros_like(w)
    onehot = F.one_hot(y, 10).float()
    best_l2 = torch.full((n,), float('inf'))
    best_adv = x.clone()
    for t in range(1, steps + 1):
        w.requires_grad_(True)
        xi = ((torch.tanh(w) / s + 1) / 2).clamp(0, 1)
        z = model(xi)
        l2 = ((xi - x) ** 2).sum((1, 2, 3))
        real = (z * onehot).sum(1)
        other = (z - onehot * 1e9).max(1).values
        loss = (l2 + c * torch.clamp(real - other, min=0)).sum()
        g, = torch.autograd.grad(loss, w)
        with torch.no_grad():
            ok = (other - real) > 0
            improved = ok & (l2 < best_l2)
            best_l2 = torch.where(improved, l2, best_l2)
            best_adv = torch.where(improved.view(-1, 1, 1, 1), xi, best_adv)
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            w = w - lr * (m / (1 - 0.9 ** t)) / ((v / (1 - 0.999 ** t)).sqrt() + 1e-8)
    return best_adv


def make_task(arch, task, data_x, data_y, batch, eval_batch, cw_batch, cw_steps, eps):
    torch.manual_seed(0)
    model = ARCHS[arch]()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    cursor = [0]
    b = batch if task.startswith('train') else (eval_batch if task == 'eval-pgd20' else cw_batch)

    def next_batch():
        i = cursor[0]
        idx = np.arange(i, i + b) % data_x.shape[0]
        cursor[0] = (i + b) % data_x.shape[0]
        return data_x[idx], data_y[idx]

    def step():
        x, y = next_batch()
        if task.startswith('train'):
            if task == 'train-clean':
                lc = model(x)
                total = F.cross_entropy(lc, y)
                scalars = [total, (lc.argmax(1) == y).float().mean()]
            elif task == 'train-fgsm':
                xa = fgsm_attack(model, x, y, eps)
                lc, la = model(x), model(xa)
                c, a = F.cross_entropy(lc, y), F.cross_entropy(la, y)
                total = c + a
                scalars = [c, a, (lc.argmax(1) == y).float().mean(), (la.argmax(1) == y).float().mean()]
            else:
                xa = pgd_attack(model, x, y, eps, 7, 2.5 * eps / 7)
                lc, la = model(x), model(xa)
                c, a = F.cross_entropy(lc, y), F.cross_entropy(la, y)
                total = a
                scalars = [c, a, (lc.argmax(1) == y).float().mean(), (la.argmax(1) == y).float().mean()]
            opt.zero_grad(set_to_none=True)
            total.backward()
            opt.step()
            [s.item() for s in scalars]
        elif task == 'eval-pgd20':
            pgd_attack(model, x, y, eps, 20, 2.5 * eps / 20).sum().item()
        else:
            cw_run(model, x, y, cw_steps).sum().item()
    return step, b


def timeit(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def stats(v):
    s = sorted(v)
    q = lambda p: s[min(len(s) - 1, max(0, round(p * (len(s) - 1))))]
    return {'median': statistics.median(s), 'min': s[0], 'max': s[-1], 'p10': q(0.1), 'p90': q(0.9), 'n': len(s)}


def matmul_peak(n=2048, reps=7):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    t = timeit(lambda: torch.mm(a, b), 2, reps)
    an, bn = a.numpy(), b.numpy()
    tn = timeit(lambda: an @ bn, 2, reps)
    flops = 2 * n ** 3
    return {'n': n, 'torchGflops': flops / min(t) / 1e9, 'torchGflopsMedian': flops / statistics.median(t) / 1e9,
            'numpyGflops': flops / min(tn) / 1e9, 'numpyGflopsMedian': flops / statistics.median(tn) / 1e9}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True, help='an export folder (bench/export.ts) test-x.bin / test-y.bin, or train points')
    ap.add_argument('--models', default='cnn-small,madry-mnist,wong-mnist')
    ap.add_argument('--tasks', default='train-clean,train-fgsm,train-pgd7,eval-pgd20,eval-cw')
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--eval-batch', type=int, default=250)
    ap.add_argument('--cw-batch', type=int, default=250)
    ap.add_argument('--cw-steps', type=int, default=50)
    ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--reps', type=int, default=7)
    ap.add_argument('--no-peak', action='store_true')
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    x = torch.from_numpy(nhwc_to_nchw(read_array(os.path.join(a.data, 'test-x.bin'))))
    y = torch.from_numpy(read_array(os.path.join(a.data, 'test-y.bin')).astype(np.int64))
    peak = matmul_peak() if not a.no_peak else None
    if peak: print(f"matmul peak (2 threads, 2048^2 fp32): torch {peak['torchGflops']:.1f} GFLOP/s, numpy {peak['numpyGflops']:.1f} GFLOP/s (best of 7)")
    rows = []
    for arch in a.models.split(','):
        for task in a.tasks.split(','):
            fn, b = make_task(arch, task, x, y, a.batch, a.eval_batch, a.cw_batch, a.cw_steps, 0.3)
            load0 = os.getloadavg()[0]
            s = stats(timeit(fn, a.warmup, a.reps))
            row = {'side': 'peer', 'model': arch, 'task': task, 'batch': b, 'seconds': s, 'imagesPerSec': b / s['median'],
                   'imagesPerSecSpread': [b / s['max'], b / s['min']], 'loadavg': [load0, os.getloadavg()[0]]}
            rows.append(row)
            print(f"torch  {arch:<12} {task:<12} batch {b:>3}: {row['imagesPerSec']:>6.0f} img/s  (median {s['median']*1000:.1f} ms, {s['n']} reps, min-max {s['min']*1000:.1f}-{s['max']*1000:.1f} ms)", flush=True)
    json.dump({'torch': torch.__version__, 'numpy': np.__version__, 'threads': {'torch.get_num_threads': torch.get_num_threads(), 'interop': torch.get_num_interop_threads()},
               'config': torch.__config__.show(), 'matmulPeak': peak, 'macs': {m: macs(m) for m in ARCHS}, 'rows': rows,
               'options': vars(a), 'finishedAt': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}, open(a.out, 'w'), indent=2)
    print(f'wrote {a.out}')


if __name__ == '__main__':
    sys.exit(main())
