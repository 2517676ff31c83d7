"""Peer side of the agreement check: ART's and Foolbox's FGSM, PGD-40 and C&W L2 on the engine's
weights (converted by twins.py) and the engine's exported test points, same eps, steps and step size.
A point counts as robust when it is classified correctly both clean and after the attack (the
engine's rule). C&W runs unbounded; the accuracy at an L2 radius follows from per-point norms."""
import argparse
import json
import os
import sys
import time
import warnings

os.environ.setdefault('OMP_NUM_THREADS', '2')
import numpy as np  # noqa: E402
import torch  # noqa: E402

from twins import add_export_args, load_engine_model, load_export  # noqa: E402

torch.set_num_threads(2)
warnings.filterwarnings('ignore')


def main():
    ap = argparse.ArgumentParser()
    add_export_args(ap)
    ap.add_argument('--pgd-steps', type=int, default=40)
    ap.add_argument('--pgd-step-size', type=float, default=0.01)
    ap.add_argument('--seeds', type=int, default=5)
    ap.add_argument('--cw-steps', type=int, default=100)
    ap.add_argument('--cw-binary', type=int, default=6)
    ap.add_argument('--skip-foolbox-cw', action='store_true')
    ap.add_argument('--art-cw-points', type=int, default=100, help="ART's C&W (numpy, a step-size search per iteration) is slow: run it on the first N points")
    a = ap.parse_args()

    import art
    import foolbox as fb
    from art.attacks.evasion import CarliniL2Method, FastGradientMethod, ProjectedGradientDescent
    from art.estimators.classification import PyTorchClassifier

    model = load_engine_model(a.arch, a.model)
    x, y = load_export(a.export)
    n = len(y)
    with torch.no_grad():
        clean_pred = model(torch.from_numpy(x)).argmax(1).numpy()
    clean_ok = clean_pred == y
    clf = PyTorchClassifier(model=model, loss=torch.nn.CrossEntropyLoss(), input_shape=(1, 28, 28), nb_classes=10, clip_values=(0.0, 1.0), device_type='cpu')
    fmodel = fb.PyTorchModel(model, bounds=(0, 1), device='cpu')
    results = []

    def record(tool, attack, seed, x_adv, t0, extra=None):
        m = len(x_adv)  # the first m points (ART's C&W runs on a prefix)
        with torch.no_grad():
            pred = model(torch.from_numpy(np.asarray(x_adv, dtype=np.float32))).argmax(1).numpy()
        correct = (pred == y[:m]) & clean_ok[:m]
        l2 = np.sqrt(((np.asarray(x_adv) - x[:m]) ** 2).reshape(m, -1).sum(1))
        linf = np.abs(np.asarray(x_adv) - x[:m]).reshape(m, -1).max(1)
        r = {'tool': tool, 'attack': attack, 'seed': seed, 'points': m, 'accuracy': float(correct.mean()), 'correct': correct.astype(int).tolist(),
             'l2': l2.tolist(), 'maxLinf': float(linf.max()), 'seconds': time.time() - t0, **(extra or {})}
        results.append(r)
        print(f"{tool:>7} {attack:<6} seed {seed}: {r['accuracy']*100:.2f}% of {m}  (max Linf {r['maxLinf']:.4f}, {r['seconds']:.1f} s)", flush=True)

    # FGSM
    t0 = time.time()
    record('art', 'fgsm', 0, FastGradientMethod(clf, norm=np.inf, eps=a.eps, batch_size=250).generate(x=x), t0)
    t0 = time.time()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    _, adv, _ = fb.attacks.FGSM()(fmodel, xt, yt, epsilons=a.eps)
    record('foolbox', 'fgsm', 0, adv.numpy(), t0)
    # PGD-40, random start, several seeds
    for s in range(a.seeds):
        np.random.seed(s)
        torch.manual_seed(s)
        t0 = time.time()
        pgd = ProjectedGradientDescent(clf, norm=np.inf, eps=a.eps, eps_step=a.pgd_step_size, max_iter=a.pgd_steps, num_random_init=1, batch_size=250, verbose=False)
        record('art', 'pgd', s, pgd.generate(x=x, y=y), t0, {'steps': a.pgd_steps, 'stepSize': a.pgd_step_size})
    for s in range(a.seeds):
        torch.manual_seed(s)
        t0 = time.time()
        _, adv, _ = fb.attacks.LinfPGD(abs_stepsize=a.pgd_step_size, steps=a.pgd_steps, random_start=True)(fmodel, xt, yt, epsilons=a.eps)
        record('foolbox', 'pgd', s, adv.numpy(), t0, {'steps': a.pgd_steps, 'stepSize': a.pgd_step_size})
    # C&W L2, unbounded: ART's implementation (gradient descent with its own step-size search), Foolbox's (Adam).
    cw = {'steps': a.cw_steps, 'binarySteps': a.cw_binary, 'initialConst': 0.1, 'confidence': 0, 'learningRate': 0.01}
    t0 = time.time()
    k = min(n, a.art_cw_points)
    adv = CarliniL2Method(clf, confidence=0.0, learning_rate=0.01, binary_search_steps=a.cw_binary, max_iter=a.cw_steps, initial_const=0.1, batch_size=250, verbose=False).generate(x=x[:k], y=y[:k])
    record('art', 'cw-l2', 0, adv, t0, {'params': cw})
    if not a.skip_foolbox_cw:
        t0 = time.time()
        att = fb.attacks.L2CarliniWagnerAttack(binary_search_steps=a.cw_binary, steps=a.cw_steps, stepsize=0.01, confidence=0, initial_const=0.1, abort_early=False)
        advs = []
        for i in range(0, n, 250):
            _, ad, _ = att(fmodel, xt[i:i + 250], yt[i:i + 250], epsilons=None)
            ad = ad.numpy()
            # Foolbox returns an all-zero image where no adversarial was found: count those as failures.
            failed = np.abs(ad).reshape(len(ad), -1).sum(1) == 0
            ad[failed] = x[i:i + 250][failed]
            advs.append(ad)
        record('foolbox', 'cw-l2', 0, np.concatenate(advs), t0, {'params': cw})
    json.dump({'points': n, 'eps': a.eps, 'cleanAccuracy': float(clean_ok.mean()), 'cleanCorrect': clean_ok.astype(int).tolist(),
               'versions': {'torch': torch.__version__, 'art': art.__version__, 'foolbox': fb.__version__, 'numpy': np.__version__},
               'results': results}, open(a.out, 'w'), indent=2)


if __name__ == '__main__':
    sys.exit(main())
