"""Fast-AT (Wong, Rice & Kolter 2020) in plain PyTorch on the engine's exported mnist-sample split,
to tell whether a Fast-AT result of the engine comes from the engine or from the setting (data size,
epochs). The recipe of the paper's MNIST code: wong-mnist, Adam, cyclic lr 0 -> lr_max -> 0 (peak at
`peak` of the run), FGSM from a uniform random start, step alpha, delta clamped to the eps-ball and
[0,1], trained on the adversarial examples alone; evaluated with PGD-50 (step 2.5·eps/50, the
engine's default) x restarts.

  python fast_at.py DATA_DIR OUT.json [epochs=10] [peak=0.5] [seed=0] [restarts=10] [init=torch|glorot] [start=free|clamped]
init=glorot gives the layers Keras/TensorFlow.js's default initialisation (Glorot uniform, zero
biases) instead of PyTorch's, to isolate its effect. start=clamped clips the random start to [0,1]
before the gradient step (the paper's CIFAR code); free leaves it (the paper's MNIST code).
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from adv_train_common import glorot_init, load_split, pgd_accuracy
from twins import WongMnist

torch.set_num_threads(2)


def main(data_dir, out, epochs='10', peak='0.5', seed='0', restarts='10', init='torch', start='free'):
    epochs, peak, seed, restarts = int(epochs), float(peak), int(seed), int(restarts)
    torch.manual_seed(seed)
    np.random.seed(seed)
    xtr, ytr, xte, yte = load_split(data_dir)
    eps, alpha, lr_max, batch = 0.3, 0.375, 5e-3, 100
    model = WongMnist()
    if init == 'glorot':
        glorot_init(model)
    opt = torch.optim.Adam(model.parameters(), lr=lr_max)
    n = len(ytr)
    steps_per_epoch = (n + batch - 1) // batch
    t0 = time.time()
    history = []
    for epoch in range(epochs):
        perm = torch.randperm(n)
        for i in range(steps_per_epoch):
            t = epoch + (i + 1) / steps_per_epoch
            lr = float(np.interp(t, [0, epochs * peak, epochs], [0, lr_max, 0]))
            for group in opt.param_groups:
                group['lr'] = lr
            idx = perm[i * batch:(i + 1) * batch]
            x, y = xtr[idx], ytr[idx]
            delta = (torch.rand_like(x) * 2 - 1) * eps
            if start == 'clamped':
                delta = (x + delta).clamp(0, 1) - x
            delta.requires_grad_(True)
            loss = F.cross_entropy(model(x + delta), y)
            g, = torch.autograd.grad(loss, delta)
            delta = (delta.detach() + alpha * g.sign()).clamp(-eps, eps)
            delta = (x + delta).clamp(0, 1) - x
            loss = F.cross_entropy(model(x + delta), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            clean = (model(xte).argmax(1) == yte).float().mean().item()
        history.append({'epoch': epoch + 1, 'clean': clean, 'pgd10': pgd_accuracy(model, xte, yte, eps, 0.03, 10, 1)})
    seconds = time.time() - t0
    with torch.no_grad():
        clean = (model(xte).argmax(1) == yte).float().mean().item()
    # The engine's default PGD step for 50 steps (2.5·eps/50), as in the bench's reproduction rows.
    robust = pgd_accuracy(model, xte, yte, eps, 2.5 * eps / 50, 50, restarts)
    res = {'epochs': epochs, 'trainPoints': n, 'testPoints': len(yte), 'peak': peak, 'seed': seed, 'clean': clean,
           'pgd50': robust, 'restarts': restarts, 'init': init, 'start': start, 'trainingSeconds': seconds, 'history': history}
    json.dump(res, open(out, 'w'), indent=2)
    print(f'PyTorch Fast-AT wong-mnist {epochs} epochs x {n} (peak {peak}, seed {seed}, init {init}, start {start}): clean {clean*100:.1f}%, '
          f'PGD-50x{restarts} {robust*100:.1f}%, {seconds:.0f} s; PGD-10 per epoch: '
          + ' '.join(f"{h['pgd10']*100:.0f}" for h in history), flush=True)


if __name__ == '__main__':
    main(*sys.argv[1:])
