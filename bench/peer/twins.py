"""PyTorch twins of the engine's built-in architectures and a converter from the engine's saved
Layers model (model.json + weights.bin) into them.

Layout differences handled here:
- conv kernels: tfjs HWIO -> PyTorch OIHW;
- dense kernels: tfjs [in, out] -> PyTorch [out, in];
- Flatten: tfjs flattens NHWC (index h*W*C + w*C + c), PyTorch NCHW (c*H*W + h*W + w), so the
  input dimension of the first dense layer is permuted;
- padding: madry-mnist 'same' 5x5 = padding 2, pools 28->14->7; wong-mnist 4x4 stride 2 'same' on
  even sizes = padding 1 each side.
"""
import json
import os

import numpy as np
import torch
from torch import nn


class CnnSmall(nn.Module):
    flat_hwc = (4, 4, 32)

    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5)
        self.conv2 = nn.Conv2d(16, 32, 5)
        self.fc1 = nn.Linear(512, 100)
        self.logits = nn.Linear(100, classes)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.logits(torch.relu(self.fc1(x.flatten(1))))


class MadryMnist(nn.Module):
    flat_hwc = (7, 7, 64)

    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5, padding=2)
        self.conv2 = nn.Conv2d(32, 64, 5, padding=2)
        self.fc1 = nn.Linear(7 * 7 * 64, 1024)
        self.logits = nn.Linear(1024, classes)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.logits(torch.relu(self.fc1(x.flatten(1))))


class WongMnist(nn.Module):
    flat_hwc = (7, 7, 32)

    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 4, stride=2, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 4, stride=2, padding=1)
        self.fc1 = nn.Linear(7 * 7 * 32, 100)
        self.logits = nn.Linear(100, classes)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = torch.relu(self.conv2(x))
        return self.logits(torch.relu(self.fc1(x.flatten(1))))


ARCHS = {'cnn-small': CnnSmall, 'madry-mnist': MadryMnist, 'wong-mnist': WongMnist}

# Multiply-accumulates of one forward pass on a 28x28x1 image, per layer (for GFLOP/s).
def macs(arch):
    m = ARCHS[arch]()
    total = 0
    x = torch.zeros(1, 1, 28, 28)
    for name, mod in [('conv1', m.conv1), ('conv2', m.conv2)]:
        y = mod(x)
        total += y.numel() * mod.in_channels * mod.kernel_size[0] * mod.kernel_size[1]
        x = torch.relu(y)
        if arch != 'wong-mnist':
            x = torch.max_pool2d(x, 2)
    total += m.fc1.in_features * m.fc1.out_features + m.logits.in_features * m.logits.out_features
    return total


def nhwc_to_nchw_flatten_perm(h, w, c):
    """perm[i_nchw] = the tfjs (NHWC) flatten index of the same activation."""
    perm = np.empty(h * w * c, dtype=np.int64)
    for ci in range(c):
        for hi in range(h):
            for wi in range(w):
                perm[ci * h * w + hi * w + wi] = hi * w * c + wi * c + ci
    return perm


def read_layers_weights(model_json):
    """name -> numpy array, from a tfjs Layers model.json and its float32 weight shards."""
    with open(model_json) as fh:
        j = json.load(fh)
    base = os.path.dirname(os.path.abspath(model_json))
    out = {}
    for group in j['weightsManifest']:
        buf = b''.join(open(os.path.join(base, p), 'rb').read() for p in group['paths'])
        off = 0
        for w in group['weights']:
            if w.get('dtype', 'float32') != 'float32' or w.get('quantization'):
                raise ValueError(f"weight {w['name']}: only unquantized float32 is supported")
            n = int(np.prod(w['shape'])) if w['shape'] else 1
            out[w['name']] = np.frombuffer(buf, dtype='<f4', count=n, offset=off).reshape(w['shape']).copy()
            off += 4 * n
    return out


def _find(weights, layer, kind):
    hits = [k for k in weights if k == f'{layer}/{kind}' or k.endswith(f'/{layer}/{kind}')]
    if len(hits) != 1:
        raise KeyError(f'{layer}/{kind}: found {hits} in {list(weights)}')
    return weights[hits[0]]


def infer_arch(model_json):
    """The built-in architecture a saved model was made from (its Sequential's name: cnn_small, ...)."""
    with open(model_json) as fh:
        topo = json.load(fh)['modelTopology']
    name = (topo.get('model_config') or topo).get('config', {}).get('name', '')
    arch = name.replace('_', '-')
    if arch not in ARCHS:
        raise ValueError(f'{model_json}: model {name!r} is not one of {list(ARCHS)}')
    return arch


def load_engine_model(arch, model_json):
    arch = arch if arch in ARCHS else infer_arch(model_json)
    model = ARCHS[arch]()
    w = read_layers_weights(model_json)
    sd = {}
    for conv in ('conv1', 'conv2'):
        sd[f'{conv}.weight'] = torch.from_numpy(np.ascontiguousarray(_find(w, conv, 'kernel').transpose(3, 2, 0, 1)))  # HWIO -> OIHW
        sd[f'{conv}.bias'] = torch.from_numpy(_find(w, conv, 'bias'))
    k = _find(w, 'fc1', 'kernel')  # [in (NHWC order), out]
    perm = nhwc_to_nchw_flatten_perm(*model.flat_hwc)
    sd['fc1.weight'] = torch.from_numpy(np.ascontiguousarray(k[perm, :].T))
    sd['fc1.bias'] = torch.from_numpy(_find(w, 'fc1', 'bias'))
    sd['logits.weight'] = torch.from_numpy(np.ascontiguousarray(_find(w, 'logits', 'kernel').T))
    sd['logits.bias'] = torch.from_numpy(_find(w, 'logits', 'bias'))
    model.load_state_dict(sd)
    return model.eval()


def read_array(path):
    with open(path + '.json') as fh:
        meta = json.load(fh)
    return np.fromfile(path, dtype='<f4' if meta['dtype'] == 'float32' else '<i4').reshape(meta['shape'])


def nhwc_to_nchw(x):
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def add_export_args(ap):
    """The arguments every peer check shares: the engine's exported test points, its weights and architecture, ε and the output."""
    ap.add_argument('--export', required=True)
    ap.add_argument('--model', required=True)
    ap.add_argument('--arch', default='cnn-small')
    ap.add_argument('--eps', type=float, default=0.3)
    ap.add_argument('--out', required=True)


def load_export(export_dir):
    """The exported test points as (x NCHW float32, y int64) numpy arrays, in the engine's order."""
    x = nhwc_to_nchw(read_array(os.path.join(export_dir, 'test-x.bin'))).astype(np.float32)
    y = read_array(os.path.join(export_dir, 'test-y.bin')).astype(np.int64)
    return x, y
