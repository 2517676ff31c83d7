// Keras Layers JSON (as Google's tensorflowjs converter writes it, from Keras 2 or Keras 3) rewritten
// into what tfjs-layers 4.22 builds, before it builds it. tfjs-layers reads Keras 2's format only:
// - Keras 3: InputLayer `batch_shape` (tfjs: batch_input_shape), dtype policies as objects,
//   `module`/`registered_name` on nested objects, functional `inbound_nodes` as {args, kwargs}
//   with `__keras_tensor__` history, single-input `input_layers` not nested, weights named
//   `model/layer/weight` (tfjs: `layer/weight`), DepthwiseConv2D's weight `kernel`
//   (tfjs: depthwise_kernel), new fields tfjs does not know (quantization_config, rms_scaling...).
// - Both: SeparableConv2D's kernel_* fields, which tfjs refuses; Normalization, which tfjs lacks
//   (registered by ./normalization); activations under other names (silu = swish).
// Each rewrite that changes meaning is refused instead (grouped convolutions, keepdims pooling, RMS
// layer norm), with the reason.
import type * as TF from '@tensorflow/tfjs';

export class KerasTranslationError extends Error {}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface KerasTranslation {
  /** The topology to hand to tfjs (same wrapper shape as given). */
  topology: unknown;
  weightSpecs: TF.io.WeightsManifestEntry[];
  /** What was rewritten, one line each (reported by the pre-flight check). */
  notes: string[];
  kerasVersion?: string;
}

const ACTIVATION_ALIASES: Record<string, string> = { silu: 'swish' };
const DROP_EVERYWHERE = ['module', 'registered_name', 'build_config', 'compile_config', 'shared_object_id'];

/** Keras 3 serialises dtypes as DTypePolicy objects; tfjs wants the variable dtype's name. */
function dtypeName(v: unknown, notes: Set<string>): unknown {
  if (!isObj(v)) return v;
  const name = isObj(v.config) ? v.config.name : undefined;
  if (typeof name !== 'string') return 'float32';
  if (name.startsWith('mixed_')) {
    notes.add(`dtype policy '${name}' read as float32 (TensorFlow.js computes in float32)`);
    return 'float32';
  }
  return name;
}

function clean(v: unknown, notes: Set<string>): unknown {
  if (Array.isArray(v)) return v.map((x) => clean(x, notes));
  if (!isObj(v)) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    if (DROP_EVERYWHERE.includes(k)) continue;
    out[k] = k === 'dtype' ? dtypeName(x, notes) : clean(x, notes);
  }
  return out;
}

function drop(cfg: Json, keys: string[]): void {
  for (const k of keys) delete cfg[k];
}

function fixLayer(layer: Json, notes: Set<string>): Json {
  const cls = String(layer.class_name);
  const cfg = isObj(layer.config) ? layer.config : {};
  const name = String(cfg.name ?? layer.name ?? cls);
  const refuse = (why: string) => {
    throw new KerasTranslationError(`layer '${name}' (${cls}): ${why}`);
  };
  if (typeof cfg.activation === 'string' && ACTIVATION_ALIASES[cfg.activation] && ACTIVATION_ALIASES[cfg.activation] !== cfg.activation) {
    notes.add(`activation '${cfg.activation}' read as '${ACTIVATION_ALIASES[cfg.activation]}'`);
    cfg.activation = ACTIVATION_ALIASES[cfg.activation];
  }
  if (cfg.batch_shape !== undefined) {
    cfg.batch_input_shape = cfg.batch_shape;
    delete cfg.batch_shape;
    notes.add('Keras 3 InputLayer batch_shape read as batch_input_shape');
  }
  drop(cfg, ['quantization_config', 'lora_rank', 'lora_alpha', 'optional', 'ragged', 'synchronized']);
  switch (cls) {
    case 'SeparableConv2D':
      // tfjs refuses these (its depthwise/pointwise initialisers replace them); Keras writes them anyway.
      drop(cfg, ['kernel_initializer', 'kernel_regularizer', 'kernel_constraint']);
      break;
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
      if (cfg.groups !== undefined && cfg.groups !== 1) refuse(`grouped convolution (groups=${String(cfg.groups)}) is not supported by TensorFlow.js; export a Graph model instead`);
      delete cfg.groups;
      break;
    case 'LayerNormalization':
      if (cfg.rms_scaling === true) refuse('rms_scaling=True is not supported by TensorFlow.js; export a Graph model instead');
      delete cfg.rms_scaling;
      break;
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
    case 'GlobalAveragePooling1D':
    case 'GlobalMaxPooling1D':
      if (cfg.keepdims === true) refuse('keepdims=True is not supported by TensorFlow.js; export a Graph model instead');
      delete cfg.keepdims;
      break;
    case 'BatchNormalization':
      drop(cfg, ['renorm', 'renorm_clipping', 'renorm_momentum']);
      if (Array.isArray(cfg.axis) && cfg.axis.length === 1) cfg.axis = cfg.axis[0];
      break;
    case 'Dropout':
    case 'SpatialDropout1D':
    case 'SpatialDropout2D':
      drop(cfg, ['seed']);
      break;
    default:
      break;
  }
  return { ...layer, config: cfg };
}

/** One Keras 3 call argument: a __keras_tensor__ (or a list of them) -> [layer, node, tensor] triples. */
function historyOf(arg: unknown): [string, number, number][] {
  if (Array.isArray(arg)) return arg.flatMap(historyOf);
  if (isObj(arg) && arg.class_name === '__keras_tensor__' && isObj(arg.config) && Array.isArray(arg.config.keras_history)) {
    const [l, n, t] = arg.config.keras_history as [string, number, number];
    return [[l, n, t]];
  }
  return [];
}

/** Keras 3 inbound nodes ({args, kwargs}) -> Keras 2's [[layer, node, tensor, kwargs], ...] per node. */
function inboundNodes(nodes: unknown, notes: Set<string>): unknown {
  if (!Array.isArray(nodes)) return nodes;
  return nodes.map((node) => {
    if (!isObj(node) || !('args' in node)) return node;
    notes.add('Keras 3 functional graph (inbound_nodes with keras_history) rewritten in the Keras 2 form');
    const args = Array.isArray(node.args) ? node.args : [];
    const kwargs = isObj(node.kwargs) ? { ...node.kwargs } : {};
    // Tensors passed by keyword (Keras 3 puts a second input of some layers there) are not supported.
    for (const [k, v] of Object.entries(kwargs))
      if (historyOf(v).length) throw new KerasTranslationError(`a layer takes a tensor through its '${k}' argument, which TensorFlow.js cannot rebuild; export a Graph model instead`);
    delete kwargs.mask;
    return historyOf(args).map(([l, n, t]) => [l, n, t, kwargs]);
  });
}

/** Keras 3 writes one model input as ["name", 0, 0] where Keras 2 writes [["name", 0, 0]]. */
function nested(v: unknown): unknown {
  return Array.isArray(v) && v.length === 3 && typeof v[0] === 'string' ? [v] : v;
}

function translateModel(model: Json, notes: Set<string>): Json {
  const cls = String(model.class_name);
  const cfg = isObj(model.config) ? { ...model.config } : {};
  let layers = Array.isArray(cfg.layers) ? (cfg.layers as Json[]) : [];
  layers = layers.map((l) =>
    l.class_name === 'Sequential' || l.class_name === 'Functional' || l.class_name === 'Model'
      ? { ...translateModel(l, notes), inbound_nodes: inboundNodes(l.inbound_nodes, notes) }
      : fixLayer(l, notes),
  );
  if (cls === 'Sequential') {
    // A Keras 3 Sequential lists its InputLayer; tfjs wants the shape on the first real layer.
    const first = layers[0];
    if (first && first.class_name === 'InputLayer' && layers.length > 1) {
      const icfg = first.config as Json;
      const next = { ...layers[1], config: { ...(layers[1].config as Json), batch_input_shape: icfg.batch_input_shape, ...(icfg.dtype ? { dtype: icfg.dtype } : {}) } };
      layers = [next, ...layers.slice(2)];
    }
  } else {
    layers = layers.map((l) => ('inbound_nodes' in l ? { ...l, inbound_nodes: inboundNodes(l.inbound_nodes, notes) } : l));
    if ('input_layers' in cfg) cfg.input_layers = nested(cfg.input_layers);
    if ('output_layers' in cfg) cfg.output_layers = nested(cfg.output_layers);
  }
  cfg.layers = layers;
  return { class_name: cls === 'Model' ? 'Functional' : cls, config: cfg };
}

function layerClasses(model: Json, out = new Map<string, string>()): Map<string, string> {
  const cfg = isObj(model.config) ? model.config : {};
  for (const l of (Array.isArray(cfg.layers) ? cfg.layers : []) as Json[]) {
    const name = isObj(l.config) ? String(l.config.name) : String(l.name);
    out.set(name, String(l.class_name));
    if (l.class_name === 'Sequential' || l.class_name === 'Functional') layerClasses(l, out);
  }
  return out;
}

/** tfjs' name for each weight: `layer/weight`, with Keras 3's model prefix removed and its renames undone. */
function renameWeights(specs: TF.io.WeightsManifestEntry[], classes: Map<string, string>, notes: Set<string>): TF.io.WeightsManifestEntry[] {
  const renamed: string[] = [];
  const out = specs.map((s) => {
    const parts = s.name.split('/');
    let i = parts.length - 2;
    while (i > 0 && !classes.has(parts[i])) i--;
    if (i < 0 || !classes.has(parts[i])) return s;
    let weight = parts.slice(i + 1).join('/');
    if (classes.get(parts[i]) === 'DepthwiseConv2D' && weight === 'kernel') weight = 'depthwise_kernel';
    const name = `${parts[i]}/${weight}`;
    if (name !== s.name) renamed.push(`${s.name} -> ${name}`);
    return name === s.name ? s : { ...s, name };
  });
  if (renamed.length) notes.add(`${renamed.length} Keras 3 weight name(s) mapped to TensorFlow.js names (${renamed[0]}${renamed.length > 1 ? ', ...' : ''})`);
  return out;
}

export function translateKeras(topology: unknown, specs: TF.io.WeightsManifestEntry[]): KerasTranslation {
  const notes = new Set<string>();
  if (!isObj(topology)) return { topology, weightSpecs: specs, notes: [] };
  const wrapped = isObj(topology.model_config);
  const model = clean(wrapped ? topology.model_config : topology, notes) as Json;
  if (!isObj(model) || typeof model.class_name !== 'string') return { topology, weightSpecs: specs, notes: [] };
  const translated = translateModel(model, notes);
  const kerasVersion = typeof topology.keras_version === 'string' ? topology.keras_version : undefined;
  const out = wrapped ? { keras_version: topology.keras_version, backend: topology.backend, model_config: translated } : translated;
  const weightSpecs = renameWeights(specs, layerClasses(translated), notes);
  return { topology: out, weightSpecs, notes: [...notes], kerasVersion };
}
