// Copies test/fixtures/{runs,workspace} into a temporary workspace, filling in the absolute paths
// (config.source) and giving each run the mtime of its createdAt, as a real runs folder would have.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FIX = path.resolve(__dirname, '../fixtures');

export function materialize(): { ws: string; runsRoot: string; experiment: string; model: string } {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-ws-'));
  fs.cpSync(path.join(FIX, 'workspace'), ws, { recursive: true });
  const runsRoot = path.join(ws, '.robustlab', 'runs');
  fs.mkdirSync(runsRoot, { recursive: true });
  for (const name of fs.readdirSync(path.join(FIX, 'runs')).filter((n) => n.startsWith('ext-'))) {
    const dst = path.join(runsRoot, name);
    fs.mkdirSync(dst);
    for (const f of fs.readdirSync(path.join(FIX, 'runs', name))) {
      const text = fs
        .readFileSync(path.join(FIX, 'runs', name, f), 'utf8')
        .replaceAll('__WS__', ws)
        .replaceAll('__RUNS__', runsRoot);
      fs.writeFileSync(path.join(dst, f), text);
    }
    const created = new Date(JSON.parse(fs.readFileSync(path.join(dst, 'config.json'), 'utf8')).createdAt);
    for (const f of fs.readdirSync(dst)) fs.utimesSync(path.join(dst, f), created, created);
  }
  return { ws, runsRoot, experiment: path.join(ws, 'mnist-fgsm.advtrain.json'), model: path.join(ws, 'models', 'net', 'model.json') };
}
