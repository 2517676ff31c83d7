// Reverse-mode differentiation over the graph under construction: walks the ops that lie between
// the inputs and the loss in reverse creation order and calls each op's hand-written gradient.
import type { Graph, Sym } from './graph';
import { addN, fill } from './ops';

/** d(y)/d(x) for each x; y is a scalar unless dy (same shape as y) is given. Zeros where y does not depend on x. */
export function gradients(g: Graph, y: Sym, xs: Sym[], dy?: Sym): Sym[] {
  const wanted = new Set(xs.map((x) => x.id));
  // Forward: which symbols depend on some x.
  const live = new Set<number>(wanted);
  for (const rec of g.records) {
    if (rec.inputs.some((i) => live.has(i.id))) rec.outputs.forEach((o) => live.add(o.id));
  }
  if (!live.has(y.id)) return xs.map((x) => fill(g, x.shape, 0, x.dtype));
  const pending = new Map<number, Sym[]>();
  const push = (s: Sym, d: Sym) => {
    const list = pending.get(s.id);
    if (list) list.push(d);
    else pending.set(s.id, [d]);
  };
  push(y, dy ?? fill(g, y.shape, 1, y.dtype));
  const total = (s: Sym): Sym | undefined => {
    const list = pending.get(s.id);
    if (!list) return undefined;
    const t = addN(g, list);
    pending.set(s.id, [t]);
    return t;
  };
  const records = g.records.filter((r) => r.outputs.some((o) => live.has(o.id)));
  for (let k = records.length - 1; k >= 0; k--) {
    const rec = records[k];
    const dys = rec.outputs.map(total);
    if (dys.every((d) => d === undefined)) continue;
    if (!rec.inputs.some((i) => live.has(i.id))) continue;
    if (rec.grad === 'none') continue;
    if (!rec.grad) throw new Error(`the step compiler has no gradient for ${rec.op}`);
    const dxs = rec.grad(g, dys, rec.inputs, rec.outputs);
    rec.inputs.forEach((inp, i) => {
      const d = dxs[i];
      if (d && live.has(inp.id)) push(inp, d);
    });
  }
  return xs.map((x) => total(x) ?? fill(g, x.shape, 0, x.dtype));
}
