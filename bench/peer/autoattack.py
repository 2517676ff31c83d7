"""Peer side of the AutoAttack cross-check: standard AutoAttack from torchattacks 3.5.1 on the
engine's weights (converted by twins.py) and the engine's exported test points.

torchattacks.AutoAttack builds its attacks without iteration counts, so they run torchattacks'
defaults (10 iterations for APGD, APGD-T and FAB) instead of the reference's 100. The standard
version is therefore assembled here from torchattacks' own APGD, APGDT, FAB and Square with the
reference parameters (Croce & Hein 2020, autoattack/autoattack.py, version='standard'): APGD-CE
100 iterations 1 restart, APGD-T 9 targets 100 iterations, FAB-T 9 targets 100 iterations, Square
5,000 queries p_init 0.8, cascaded by torchattacks.MultiAttack over the points still robust.
torchattacks.AutoAttack as shipped is run too, for reference ('torchattacks-default')."""
import argparse
import json
import os
import sys
import time
import warnings

os.environ.setdefault('OMP_NUM_THREADS', '2')
import torch  # noqa: E402

from twins import add_export_args, load_engine_model, load_export  # noqa: E402

torch.set_num_threads(2)
warnings.filterwarnings('ignore')


def main():
    ap = argparse.ArgumentParser()
    add_export_args(ap)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--skip-default', action='store_true')
    ap.add_argument('--points', type=int, default=0, help='attack only the first N exported points (0: all)')
    ap.add_argument('--threads', type=int, default=2, help='1 keeps PyTorch usable on a loaded machine (its OpenMP threads stall under contention)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    import torchattacks as ta

    model = load_engine_model(a.arch, a.model)
    x, y = (torch.from_numpy(v) for v in load_export(a.export))
    if a.points:
        x, y = x[:a.points], y[:a.points]
    n = len(y)
    with torch.no_grad():
        clean_ok = (model(x).argmax(1) == y).numpy()

    def standard(seed):
        return ta.MultiAttack([
            ta.APGD(model, norm='Linf', eps=a.eps, steps=100, n_restarts=1, loss='ce', seed=seed),
            ta.APGDT(model, norm='Linf', eps=a.eps, steps=100, n_restarts=1, n_classes=10, seed=seed),
            ta.FAB(model, norm='Linf', eps=a.eps, steps=100, n_restarts=1, multi_targeted=True, n_classes=10, seed=seed),
            ta.Square(model, norm='Linf', eps=a.eps, n_queries=5000, n_restarts=1, p_init=0.8, seed=seed),
        ])

    results = []
    runs = [('torchattacks-standard', standard(a.seed))]
    if not a.skip_default:
        runs.append(('torchattacks-default', ta.AutoAttack(model, norm='Linf', eps=a.eps, version='standard', n_classes=10, seed=a.seed)))
    for name, atk in runs:
        torch.manual_seed(a.seed)
        t0, c0 = time.time(), time.process_time()
        advs = []
        for i in range(0, n, 250):
            advs.append(atk(x[i:i + 250], y[i:i + 250]))
            print(f'{name}: {min(n, i + 250)}/{n} points, {time.time() - t0:.0f} s', flush=True)
        adv = torch.cat(advs)
        with torch.no_grad():
            pred = model(adv).argmax(1)
        correct = (pred == y).numpy() & clean_ok
        linf = (adv - x).abs().reshape(n, -1).max(1)[0]
        r = {'tool': name, 'accuracy': float(correct.mean()), 'correct': correct.astype(int).tolist(), 'maxLinf': float(linf.max()),
             'seconds': time.time() - t0, 'cpuSeconds': time.process_time() - c0}
        results.append(r)
        print(f"{name}: {r['accuracy'] * 100:.2f}% of {n} (max Linf {r['maxLinf']:.4f}, {r['seconds']:.0f} s)", flush=True)
    json.dump({'points': n, 'eps': a.eps, 'seed': a.seed, 'cleanAccuracy': float(clean_ok.mean()),
               'versions': {'torch': torch.__version__, 'torchattacks': ta.__version__}, 'results': results}, open(a.out, 'w'), indent=2)


if __name__ == '__main__':
    sys.exit(main())
