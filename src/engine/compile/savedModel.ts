// Writes a graph as a functional SavedModel (no variables: every weight and optimizer slot is a
// signature input, every update an output) with the protobuf classes tfjs-node ships, and loads it
// with tf.node.loadSavedModel. libtensorflow 2.9.1 cannot load SavedModels with variables
// (`Op type not registered 'DisableCopyOnRead'` for ones written by a newer TF), and none are needed.
import fs from 'node:fs';
import path from 'node:path';
import { type AttrValue, type ConstTensor, type DType, type Graph, type Sym, TF_DTYPE, ref } from './graph';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Pb = any;
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access -- tfjs-node's generated protobuf classes (GraphDef, SavedModel) ship without types. */
let pbModule: Pb | undefined;
function pb(): Pb {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  pbModule ??= require('@tensorflow/tfjs-node/dist/proto/api_pb');
  return pbModule;
}

/** GraphDef producer version: that of TF 2.9 (any version the runtime supports will do). */
const PRODUCER = 1087;

function shapeProto(dims: readonly number[]): Pb {
  const s = new (pb().TensorShape)();
  for (const d of dims) {
    const dim = new (pb().TensorShape.Dim)();
    dim.setSize(d);
    s.addDim(dim);
  }
  return s;
}

function tensorProto(t: ConstTensor): Pb {
  const p = new (pb().Tensor)();
  p.setDtype(TF_DTYPE[t.dtype]);
  p.setTensorShape(shapeProto(t.shape));
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (n === 1 && t.shape.length === 0) {
    if (t.dtype === 'float32') p.setFloatValList([t.values[0]]);
    else if (t.dtype === 'float64') p.setDoubleValList([t.values[0]]);
    else if (t.dtype === 'bool') p.setBoolValList([t.values[0] !== 0]);
    else if (t.dtype === 'int64') p.setInt64ValList([t.values[0]]);
    else p.setIntValList([t.values[0]]);
    return p;
  }
  const ctor: Record<DType, { new (v: ArrayLike<number>): ArrayBufferView }> = {
    float32: Float32Array,
    float64: Float64Array,
    int32: Int32Array,
    uint8: Uint8Array,
    bool: Uint8Array,
    int64: BigInt64Array,
  };
  const values = t.dtype === 'int64' ? BigInt64Array.from(Array.from(t.values), (v) => BigInt(v)) : new ctor[t.dtype](t.values);
  p.setTensorContent(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  return p;
}

function attrProto(v: AttrValue): Pb {
  const a = new (pb().AttrValue)();
  if ('type' in v) a.setType(TF_DTYPE[v.type]);
  else if ('i' in v) a.setI(v.i);
  else if ('f' in v) a.setF(v.f);
  else if ('b' in v) a.setB(v.b);
  else if ('s' in v) a.setS(new TextEncoder().encode(v.s));
  else if ('shape' in v) a.setShape(shapeProto(v.shape));
  else if ('tensor' in v) a.setTensor(tensorProto(v.tensor));
  else {
    const list = new (pb().AttrValue.ListValue)();
    list.setIList(v.ints);
    a.setList(list);
  }
  return a;
}

export interface Signature {
  inputs: Record<string, Sym>;
  outputs: Record<string, Sym>;
}

/** Serialises the graph with one signature ('serving_default', tag 'serve'). */
export function savedModelBytes(g: Graph, sig: Signature): Uint8Array {
  const P = pb();
  const graph = new P.GraphDef();
  const versions = new P.VersionDef();
  versions.setProducer(PRODUCER);
  graph.setVersions(versions);
  for (const n of g.nodes) {
    const node = new P.NodeDef();
    node.setName(n.name);
    node.setOp(n.op);
    for (const i of n.inputs) node.addInput(i);
    const attrs = node.getAttrMap();
    for (const [k, v] of Object.entries(n.attrs)) attrs.set(k, attrProto(v));
    graph.addNode(node);
  }
  const info = (s: Sym) => {
    const t = new P.TensorInfo();
    t.setName(`${ref(s)}${s.index === 0 ? ':0' : ''}`);
    t.setDtype(TF_DTYPE[s.dtype]);
    t.setTensorShape(shapeProto(s.shape));
    return t;
  };
  const signature = new P.SignatureDef();
  signature.setMethodName('tensorflow/serving/predict');
  for (const [k, s] of Object.entries(sig.inputs)) signature.getInputsMap().set(k, info(s));
  for (const [k, s] of Object.entries(sig.outputs)) signature.getOutputsMap().set(k, info(s));
  const meta = new P.MetaGraphDef();
  const metaInfo = new P.MetaGraphDef.MetaInfoDef();
  metaInfo.addTags('serve');
  meta.setMetaInfoDef(metaInfo);
  meta.setGraphDef(graph);
  meta.getSignatureDefMap().set('serving_default', signature);
  const model = new P.SavedModel();
  model.setSavedModelSchemaVersion(1);
  model.addMetaGraphs(meta);
  return model.serializeBinary() as Uint8Array;
}

/** Writes saved_model.pb into dir (through a temp file, so a reader never sees half a file). */
export function writeSavedModel(dir: string, bytes: Uint8Array): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'saved_model.pb');
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}
