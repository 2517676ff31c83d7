"""Loads every model of an export (bench/export.ts) into its PyTorch twin and compares logits."""
import json
import sys

import numpy as np
import torch

from twins import load_engine_model, nhwc_to_nchw, read_array

torch.set_num_threads(2)


def main(index_file, out_file, tol=1e-4):
    idx = json.load(open(index_file))
    x = torch.from_numpy(nhwc_to_nchw(read_array(idx['x'])))
    results = []
    for name, m in idx['models'].items():
        arch = m.get('arch', name)
        model = load_engine_model(arch, m['modelJson'])
        with torch.no_grad():
            ours = model(x).numpy()
        theirs = read_array(m['logits'])
        diff = np.abs(ours - theirs)
        res = {'model': name, 'arch': arch, 'points': int(x.shape[0]), 'maxAbsDiff': float(diff.max()),
               'meanAbsDiff': float(diff.mean()), 'maxAbsLogit': float(np.abs(theirs).max()),
               'argmaxAgreement': float((ours.argmax(1) == theirs.argmax(1)).mean()), 'tolerance': tol,
               'pass': bool(diff.max() <= tol)}
        results.append(res)
        print(f"{name:>16}: max |Δlogit| {res['maxAbsDiff']:.2e} over {res['points']} points (max |logit| {res['maxAbsLogit']:.2f}), argmax agree {res['argmaxAgreement']*100:.1f}% -> {'PASS' if res['pass'] else 'FAIL'}")
    json.dump({'tolerance': tol, 'results': results, 'torch': torch.__version__}, open(out_file, 'w'), indent=2)
    return 0 if all(r['pass'] for r in results) else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
