// The experiment file (*.advtrain.json): what a run is, so it can be reproduced. One described
// definition gives the runtime check, the TypeScript type, the hovers and the generated JSON Schema
// (schemas/advtrain.schema.json, `npm run gen`); texts that name attacks, methods or data sets are
// built from the catalogue.
import {
  ATTACKS,
  ATTACK_NAMES,
  DATA_SETS,
  DEFAULT_DATA,
  DEFAULT_EVAL_ATTACKS,
  DEFAULT_METHOD,
  DEFAULT_MODEL,
  EPS_GRIDS,
  METHOD_SPECS,
  METHODS,
  MODEL_NAMES,
  methodFormulaText,
  type Method,
} from './catalogue';
import { checkOf, type ObjectField, type ValueOf } from './fields';
import { fmtEps, fmtList } from './format';

export { METHODS, type Method };

const methodLine = (m: (typeof METHOD_SPECS)[number]) => `${m.title}${m.paper ? ` (${m.paper})` : ''}: ${methodFormulaText(m)}`;
const weightUsers = (w: 'lambda' | 'beta') => METHOD_SPECS.filter((m) => m.weight?.name === w);
const epsDefaults = DATA_SETS.map((d) => `${d.name} ${fmtEps(d.defaultEps.linf)}${d.defaultEps.linf === 8 / 255 ? ' (8/255)' : ''}`).join(', ');
const attackSteps = ATTACKS.filter((a) => a.iterative && a.budget === 'steps')
  .map((a) => `${a.label} ${a.defaults.steps}`)
  .join(', ');
const queries = ATTACKS.filter((a) => a.budget === 'queries')
  .map((a) => `${a.name} ${a.defaults.steps}`)
  .join(', ');
const withTrainAttack = METHOD_SPECS.filter((m) => m.defaults.stepSize);
const trainSteps = METHOD_SPECS.filter((m) => (m.defaults.trainSteps ?? 1) > 1)
  .map((m) => `${m.name} ${m.defaults.trainSteps}`)
  .join(', ');

export const EXPERIMENT = {
  type: 'object',
  description: 'One adversarial-training run, reproducible: model, data, method, ε and the evaluation that ends it.',
  properties: {
    $schema: { type: 'string', description: 'The JSON Schema of experiment files. Not needed in VS Code: Robustness Lab maps `*.advtrain.json` to its schema.' },
    name: { type: 'string', description: 'A label for the run.' },
    model: {
      type: 'string',
      default: DEFAULT_MODEL,
      examples: [...MODEL_NAMES, './model/model.json'],
      description: `What to train: a built-in architecture (${fmtList(MODEL_NAMES)}) or the path of a TensorFlow.js \`model.json\`, relative to this file.`,
    },
    data: {
      type: 'string',
      default: DEFAULT_DATA,
      examples: [...DATA_SETS.map((d) => d.name)],
      description: `The data set: ${DATA_SETS.map((d) => `\`${d.name}\` (${d.source === 'embedded' ? 'embedded' : 'downloaded'})`).join(', ')}, or a folder of IDX files, CIFAR-10 batches or class sub-folders of images.`,
    },
    method: {
      type: 'string',
      enum: METHODS,
      default: DEFAULT_METHOD,
      enumDescriptions: METHOD_SPECS.map(methodLine),
      description: `The adversarial-training method: ${METHOD_SPECS.map((m) => `\`${m.name}\` — ${methodLine(m)}`).join('; ')}.`,
    },
    eps: {
      type: 'number',
      minimum: 0,
      maximum: EPS_GRIDS.l2.max,
      defaultText: `the data set's customary ε: ${epsDefaults}`,
      description: `ε, the L∞ radius of the training perturbations (${EPS_GRIDS.linf.unit}, at most ${EPS_GRIDS.linf.max}); the L2 radius when \`trainAttack.norm\` is \`l2\`. Default: the data set's customary ε (${epsDefaults}).`,
    },
    lambda: {
      type: 'number',
      minimum: 0,
      maximum: 1000,
      description: `λ, the weight of the adversarial loss: L_total = L_clean + λ·L_adv. ${weightUsers('lambda')
        .map((m) => `\`${m.name}\`: ${m.weight!.default !== undefined ? `default ${m.weight!.default}` : `unset, ${m.loss} (${m.paper}); set, ${m.lossWithLambda}`}`)
        .join('; ')}. Not taken by ${METHOD_SPECS.filter((m) => m.weight?.name !== 'lambda')
        .map((m) => `\`${m.name}\``)
        .join(', ')}.`,
    },
    beta: {
      type: 'number',
      minimum: 0,
      maximum: 1000,
      description: `β, the weight of TRADES' robustness term: ${weightUsers('beta')
        .map((m) => `${m.loss} (default ${m.weight!.default})`)
        .join('; ')}. Only for ${weightUsers('beta')
        .map((m) => `\`${m.name}\``)
        .join(', ')}.`,
    },
    epochs: { type: 'integer', minimum: 1, maximum: 10000, default: 3, description: 'Passes over the training data.' },
    batchSize: { type: 'integer', minimum: 1, maximum: 8192, default: 64, description: 'Examples per gradient step.' },
    learningRate: {
      type: 'number',
      minimum: 1e-8,
      maximum: 10,
      defaultText: METHOD_SPECS.map((m) => `${m.name} ${m.defaults.learningRate}`).join(', '),
      description: `The optimizer step size (the peak of the cyclic schedule for ${METHOD_SPECS.filter((m) => m.defaults.schedule === 'cyclic')
        .map((m) => `\`${m.name}\``)
        .join(', ')}). Default: ${METHOD_SPECS.filter((m) => m.defaults.learningRate !== 1e-3)
        .map((m) => `${m.name} ${m.defaults.learningRate}`)
        .join(', ')}, otherwise 0.001.`,
    },
    optimizer: { type: 'string', enum: ['adam', 'sgd'], default: 'adam', description: '`adam` or `sgd`.' },
    trainSize: { type: 'integer', minimum: 1, maximum: 1_000_000, description: 'How many training examples to use (a subset, for quick runs).' },
    testSize: { type: 'integer', minimum: 1, maximum: 1_000_000, description: 'How many test examples the evaluation uses.' },
    seed: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1, default: 0, description: 'Random seed: the same seed and settings reproduce the run.' },
    trainAttack: {
      type: 'object',
      description: `The attack that makes the training examples (${withTrainAttack.map((m) => m.name).join(', ')}): steps, stepSize, restarts, norm.`,
      properties: {
        steps: {
          type: 'integer',
          minimum: 1,
          maximum: 1000,
          defaultText: trainSteps,
          description: `Iterations per training example (default ${trainSteps}; 40 for MNIST in Madry et al.; more is stronger and slower).`,
        },
        stepSize: {
          type: 'number',
          exclusiveMinimum: 0,
          description: `The step size α in input units. Default: ${withTrainAttack.map((m) => `${m.name} ${m.defaults.stepSize!.rule}`).join(', ')}.`,
        },
        restarts: { type: 'integer', minimum: 1, maximum: 100, default: 1, description: 'Random restarts of the training attack.' },
        norm: { type: 'string', enum: ['linf', 'l2'], default: 'linf', description: 'The threat model: `linf` (no pixel changes by more than ε) or `l2` (the change has Euclidean length ≤ ε).' },
      },
    },
    epsWarmupEpochs: { type: 'number', minimum: 0, default: 0, description: 'Ramp ε up linearly over this many epochs (at most `epochs`; helps training start).' },
    earlyStoppingPatience: {
      type: 'integer',
      minimum: 0,
      maximum: 10000,
      default: 0,
      description: 'Stop when robust validation accuracy has not improved for this many epochs (0: never; a catastrophic-overfitting collapse always stops).',
    },
    sweep: {
      type: 'object',
      description:
        "A grid of runs for `robustlab sweep` (and Sweep λ / ε / method in VS Code): every combination of the listed values is one ordinary run, with this file's other settings. An axis left out keeps the file's value. A method that takes no λ (or β) runs once per other combination. `robustlab train` ignores the sweep and trains the file's own settings.",
      properties: {
        method: {
          type: 'array',
          items: { type: 'string', enum: METHODS, enumDescriptions: METHOD_SPECS.map(methodLine), description: 'A training method.' },
          description: `Training methods to compare (${fmtList(METHODS)}).`,
        },
        lambda: {
          type: 'array',
          items: { type: 'number', minimum: 0, maximum: 1000, description: 'A λ.' },
          description: `λ values (L_total = L_clean + λ·L_adv) for the methods that take λ: ${weightUsers('lambda')
            .map((m) => `\`${m.name}\``)
            .join(', ')}.`,
        },
        beta: {
          type: 'array',
          items: { type: 'number', minimum: 0, maximum: 1000, description: 'A β.' },
          description: `β values for ${weightUsers('beta')
            .map((m) => `\`${m.name}\``)
            .join(', ')}.`,
        },
        eps: {
          type: 'array',
          items: { type: 'number', minimum: 0, maximum: EPS_GRIDS.l2.max, description: 'A training ε.' },
          description: 'Training ε values (the evaluation measures each run at its own ε unless `eval.eps` is set).',
        },
        seed: {
          type: 'array',
          items: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1, description: 'A seed.' },
          description: 'Seeds: every point is repeated once per seed, and the plots show the spread as error bars.',
        },
        parallel: {
          type: 'integer',
          minimum: 1,
          maximum: 64,
          defaultText: "what the machine's cores and memory fit",
          description: 'Engine processes at once; each gets its share of the cores as TensorFlow threads, so they do not oversubscribe the machine. `--parallel` overrides it.',
        },
        target: {
          type: 'object',
          description:
            "What the sweep's recommendation looks for: among the runs that meet these limits, the one best at `maximize` (it is on the Pareto front of clean versus robust accuracy). Seeds of one setting count as one, by their mean.",
          properties: {
            minClean: { type: 'number', minimum: 0, maximum: 1, description: 'Clean accuracy at least this fraction (0.97 is 97%).' },
            minRobust: { type: 'number', minimum: 0, maximum: 1, description: 'Robust accuracy (the headline) at least this fraction.' },
            maxSeconds: { type: 'number', minimum: 0, description: 'Training time at most this many seconds.' },
            maximize: { type: 'string', enum: ['robust', 'clean'], default: 'robust', description: '`robust` (the headline robust accuracy) or `clean` accuracy.' },
          },
        },
      },
    },
    sweepPoint: {
      type: 'object',
      description:
        "Written by `robustlab sweep` into the experiment file of each point it runs: the sweep the run belongs to and the point's parameters. The run keeps it in its config.json, so the experiments table can group and plot it. Not for files you write.",
      properties: {
        id: { type: 'string', description: "The sweep's id (its folder under .robustlab/sweeps)." },
        index: { type: 'integer', minimum: 0, maximum: 100_000, description: "The point's place in the sweep, from 0." },
        of: { type: 'integer', minimum: 1, maximum: 100_000, description: 'How many points the sweep has.' },
        source: { type: 'string', description: 'The experiment file the sweep came from.' },
        params: {
          type: 'object',
          description: "The values this point takes on the sweep's axes.",
          properties: {
            method: { type: 'string', enum: METHODS, description: 'The training method.' },
            lambda: { type: 'number', minimum: 0, maximum: 1000, description: 'λ, when the method takes it.' },
            beta: { type: 'number', minimum: 0, maximum: 1000, description: 'β, when the method takes it.' },
            eps: { type: 'number', minimum: 0, maximum: EPS_GRIDS.l2.max, description: 'The training ε.' },
            seed: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1, description: 'The seed.' },
          },
        },
      },
    },
    eval: {
      type: 'object',
      description: 'The evaluation that ends the run: attacks, ε values, steps, restarts, test points.',
      properties: {
        attacks: {
          type: 'array',
          items: { type: 'string', known: ATTACK_NAMES, description: 'An attack.' },
          default: DEFAULT_EVAL_ATTACKS.linf,
          defaultText: `${DEFAULT_EVAL_ATTACKS.linf.join(', ')} (L2: ${DEFAULT_EVAL_ATTACKS.l2.join(', ')})`,
          description: `Attacks to evaluate with (${fmtList(ATTACK_NAMES)}): robust accuracy is the per-example worst case over them.`,
        },
        eps: {
          type: 'array',
          items: { type: 'number', minimum: 0, maximum: EPS_GRIDS.l2.max, description: 'An ε.' },
          defaultText: 'the training ε',
          description: 'The ε values the evaluation (and its robustness curve) is measured at.',
        },
        steps: { type: 'integer', minimum: 1, maximum: 100_000, description: `Iterations of each iterative attack at evaluation; unset, each attack's own default (${attackSteps}).` },
        stepSize: { type: 'number', exclusiveMinimum: 0, description: "The step size of iterative attacks at evaluation; unset, each attack's own rule." },
        restarts: { type: 'integer', minimum: 1, maximum: 1000, default: 1, description: 'Random restarts at evaluation: more restarts never raise robust accuracy.' },
        queries: { type: 'integer', minimum: 1, maximum: 1_000_000, description: `The query budget of score-based attacks (default ${queries}).` },
        testPoints: { type: 'integer', minimum: 1, maximum: 1_000_000, description: 'How many test points are attacked. Always report it with the accuracy.' },
      },
    },
  },
} as const satisfies ObjectField;

export type Experiment = ValueOf<typeof EXPERIMENT>;
export const experiment = checkOf(EXPERIMENT);
export type SweepGrid = NonNullable<Experiment['sweep']>;
export type SweepTarget = NonNullable<SweepGrid['target']>;
export type SweepPointTag = NonNullable<Experiment['sweepPoint']>;
export type SweepParams = NonNullable<SweepPointTag['params']>;
export const sweepParams = checkOf(EXPERIMENT.properties.sweepPoint.properties.params);
export const sweepPointTag = checkOf(EXPERIMENT.properties.sweepPoint);
export const sweepTargetCheck = checkOf(EXPERIMENT.properties.sweep.properties.target);
