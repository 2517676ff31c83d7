"""What the PyTorch training cross-checks (fast_at.py, fgsm_train.py) share: the engine's exported
split, the engine's initialisation, and PGD accuracy with restarts (worst case per point)."""
import torch
import torch.nn.functional as F

from twins import nhwc_to_nchw, read_array


def load_split(data_dir):
    """train x/y and test x/y written by bench/experiments/export-train.ts, as NCHW tensors."""
    def xs(name):
        return torch.from_numpy(nhwc_to_nchw(read_array(f'{data_dir}/{name}-x.bin')))

    def ys(name):
        return torch.from_numpy(read_array(f'{data_dir}/{name}-y.bin').astype('int64'))
    return xs('train'), ys('train'), xs('test'), ys('test')


def glorot_init(model):
    """Keras/TF.js defaults (Glorot uniform kernels, zero biases) in place of PyTorch's."""
    for m in model.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
            torch.nn.init.xavier_uniform_(m.weight)
            torch.nn.init.zeros_(m.bias)


def pgd_accuracy(model, x, y, eps, alpha, steps, restarts=1):
    """L∞ PGD from a uniform random start; a point counts as robust only if it survives every restart."""
    still = torch.ones(len(y), dtype=torch.bool)
    for _ in range(restarts):
        delta = (torch.rand_like(x) * 2 - 1) * eps
        delta = (x + delta).clamp(0, 1) - x
        for _ in range(steps):
            delta.requires_grad_(True)
            loss = F.cross_entropy(model(x + delta), y)
            g, = torch.autograd.grad(loss, delta)
            delta = (delta.detach() + alpha * g.sign()).clamp(-eps, eps)
            delta = (x + delta).clamp(0, 1) - x
        with torch.no_grad():
            still &= model(x + delta).argmax(1) == y
    return still.float().mean().item()
