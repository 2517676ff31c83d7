"""Issue 3's recipe in plain PyTorch on the engine's exported mnist-sample split: cnn-small, Adam 1e-3,
batch 64, FGSM training with L = L_clean + lam * L_adv (FGSM from the clean point, no random start),
then clean accuracy and PGD-20 (eps 0.3, step 2.5*eps/20, random start) on the test points. Runs each
seed with PyTorch's default initialisation and with Glorot uniform + zero biases (the engine's, as in
Keras/TF.js), so an engine figure can be told apart from the initialisation's effect.

  python fgsm_train.py DATA_DIR OUT.json [epochs=3] [lam=1] [seeds=0,1,2] [method=fgsm|none]
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

from adv_train_common import glorot_init, load_split, pgd_accuracy
from speed import fgsm_attack
from twins import CnnSmall

torch.set_num_threads(2)


def run(xtr, ytr, xte, yte, seed, init, epochs, lam, method, eps=0.3, batch=64):
    torch.manual_seed(seed)
    model = CnnSmall()
    if init == 'glorot':
        glorot_init(model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    t0 = time.time()
    for _ in range(epochs):
        perm = torch.randperm(len(ytr))
        for i in range(0, len(ytr), batch):
            idx = perm[i:i + batch]
            x, y = xtr[idx], ytr[idx]
            loss = F.cross_entropy(model(x), y)
            if method == 'fgsm':
                loss = loss + lam * F.cross_entropy(model(fgsm_attack(model, x, y, eps)), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    seconds = time.time() - t0
    with torch.no_grad():
        clean = (model(xte).argmax(1) == yte).float().mean().item()
    return {'seed': seed, 'init': init, 'clean': clean, 'pgd20': pgd_accuracy(model, xte, yte, eps, 2.5 * eps / 20, 20), 'trainingSeconds': seconds}


def main(data_dir, out, epochs='3', lam='1', seeds='0,1,2', method='fgsm'):
    xtr, ytr, xte, yte = load_split(data_dir)
    rows = []
    for init in ('torch', 'glorot'):
        for seed in (int(s) for s in seeds.split(',')):
            r = run(xtr, ytr, xte, yte, seed, init, int(epochs), float(lam), method)
            rows.append(r)
            print(f"PyTorch {method} cnn-small, init {init}, seed {seed}: clean {r['clean']*100:.1f}%, PGD-20 {r['pgd20']*100:.1f}%", flush=True)
    json.dump({'method': method, 'epochs': int(epochs), 'lambda': float(lam), 'trainPoints': len(ytr), 'testPoints': len(yte), 'rows': rows}, open(out, 'w'), indent=2)


if __name__ == '__main__':
    main(*sys.argv[1:])
