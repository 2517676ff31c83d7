// `robustlab`: the headless engine, also the subprocess the extension forks.
// Exit codes: 0 success, 1 a gate failed (only that), 2 bad input or usage, 3 internal error,
// 130 stopped (SIGINT, SIGTERM, the extension's stop, or a closed output pipe).
import path from 'node:path';
import { engineCommand, parseWith, type Experiment, type Summary } from '../../protocol';
import { attackSpec, ATTACKS, DATA_SETS, DEFAULT_ATTACK, DEFAULT_METHOD, defaultEps, EPS_GRIDS, METHOD_SPECS, METHODS, methodFormulaText, normFor, normLabel } from '../../protocol/catalogue';
import { attackNames } from '../attacks/registry';
import { backend } from '../backend';
import { DATA_NAMES } from '../data';
import { BadInputError, EXIT, StoppedError, UsageError } from '../errors';
import { BUILTINS } from '../models/builtins';
import { Emitter } from '../runs/emitter';
import { readSummary } from '../runs/read';
import { runFiles } from '../runs/layout';
import { markdownReport, robustTable, textTable } from '../runs/report';
import { headlineForRunDir } from '../runs/modelHeadline';
import { gateEps, gateFailure } from './gate';
import { noHeadlineText, type ModelHeadline } from '../runs/headline';
import { writeFileAtomic } from '../models/io';
import type { Control } from '../train/trainer';
import { runAttackJob } from '../jobs/attackJob';
import { WriteError } from '../io/atomic';
import { checkOutFolder } from '../jobs/runDir';
import { readExperimentFile, resolveTrainSettings, type EvalSettings } from '../jobs/settings';
import { runTrainJob } from '../jobs/trainJob';
import { parseArgs, type FlagType } from './args';
import { LIST_USAGE, listCommand } from './list';
import { SWEEP_USAGE, sweepCommand } from './sweep';
import { attachOutput, pickMode, type Mode } from './output';
import { runCard } from './card';
import { runCheck } from './check';
import { checkFlagValues, checkResumeFlags } from './validate';
import { onOutputClosed } from './pipes';

const USAGE = `robustlab — adversarial training and robustness evaluation (TensorFlow.js)

usage:
  robustlab info [--json]
  robustlab train [EXPERIMENT.advtrain.json] [--model NAME|model.json] [--data NAME|PATH]
                  [--method ${METHODS.join('|')}] [--eps E] [--lambda L] [--beta B] [--epochs N]
                  [--batch-size N] [--lr R] [--train-size N] [--test-size N] [--seed N]
                  [--eval-attack A1,A2] [--eval-eps E1,E2] [--eval-steps N] [--eval-step-size S]
                  [--eval-restarts N] [--eval-points N] [--eps-warmup EPOCHS] [--patience N]
                  [--out RUN_DIR] [--runs-dir DIR] [--resume RUN_DIR] [--json]
  robustlab train --resume RUN_DIR [--json]       continue a stopped or crashed run (its own settings)
  robustlab attack MODEL.json [--data NAME|PATH] [--attack A1,A2|ensemble] [--eps E1,E2] [--norm linf|l2]
                  [--steps N] [--step-size S] [--restarts N] [--queries N] [--test-size N] [--seed N]
                  [--attack-seed N] [--random-start[=false]] [--aa-version standard|plus|rand]
                  [--out RUN_DIR] [--runs-dir DIR] [--json] [--fail-under ACC]
                  --seed picks the test points, --attack-seed the attacks' randomness (default: --seed);
                  --attack autoattack is standard AutoAttack (APGD-CE, APGD-T, FAB-T, Square 5000)
                  --fail-under gates the model's headline at its ε if measured, else this run's largest ε
                  (the per-example worst case over all stored evaluations of the model there)
  robustlab attack --resume RUN_DIR [--json]      finish a stopped evaluation (also curve)
  robustlab curve MODEL.json [same options as attack; default eps ${EPS_GRIDS.linf.curve.join(',')} (L2: ${EPS_GRIDS.l2.curve.join(',')})]
  robustlab check MODEL.json [--data NAME|PATH] [--test-size N] [--seed N] [--json]
                  the pre-flight check alone: input shape and range, outputs, inference mode
  robustlab card RUN_DIR [--out FILE] [--json]   a RobustBench-style model card (model-card.json)
  robustlab report RUN_DIR [--headline-eps E]   print the table and the model's headline, rewrite report.md
${SWEEP_USAGE}
${LIST_USAGE}

built-in models: ${BUILTINS.map((b) => b.name).join(', ')}
data: ${DATA_NAMES.join(', ')}, or a folder (IDX files, CIFAR-10 batches, class sub-folders of images)
methods (default ${DEFAULT_METHOD}):
${METHOD_SPECS.map((m) => `  ${m.name.padEnd(7)} ${methodFormulaText(m)}`).join('\n')}
attacks (--norm defaults to the one the attacks share, L∞ first; default attack ${DEFAULT_ATTACK.linf}, under L2 ${DEFAULT_ATTACK.l2}):
${ATTACKS.map((a) => `  ${a.name.padEnd(9)} ${a.norms.map(normLabel).join(', ').padEnd(7)} ${a.title}`).join('\n')}
default eps: the data set's (${DATA_SETS.map((d) => `${d.name} ${Number(d.defaultEps.linf.toPrecision(4))}`).join(', ')}; L2: ${DATA_SETS.map((d) => d.defaultEps.l2).join(', ')})
--out must be a new or empty folder; one process writes a run folder at a time (a lock file).
exit codes: 0 ok, 1 gate failed (--fail-under), 2 bad input or usage, 3 internal error, 130 stopped (resumable); sweep: 4 some points failed`;

const COMMON: Record<string, FlagType> = { json: 'bool', out: 'string', 'runs-dir': 'string', data: 'string', 'test-size': 'int', seed: 'int', help: 'bool' };
const TRAIN_FLAGS: Record<string, FlagType> = {
  ...COMMON,
  model: 'string',
  method: 'string',
  eps: 'number',
  lambda: 'number',
  beta: 'number',
  epochs: 'int',
  'batch-size': 'int',
  lr: 'number',
  'train-size': 'int',
  resume: 'string',
  'eval-attack': 'list',
  'eval-eps': 'numlist',
  'eval-steps': 'int',
  'eval-restarts': 'int',
  'eval-points': 'int',
  'eval-step-size': 'number',
  'eps-warmup': 'number',
  patience: 'int',
  'train-steps': 'int',
  optimizer: 'string',
};
const ATTACK_FLAGS: Record<string, FlagType> = {
  ...COMMON,
  attack: 'list',
  eps: 'numlist',
  norm: 'string',
  steps: 'int',
  'step-size': 'number',
  restarts: 'int',
  queries: 'int',
  'fail-under': 'number',
  'attack-seed': 'int',
  'random-start': 'bool',
  'aa-version': 'string',
  resume: 'string',
};

function makeControl(emitter: Emitter, abort: () => void): Control {
  const control: Control = { stopRequested: false, paused: false };
  const stop = (why: string) => {
    if (control.stopRequested) return;
    control.stopRequested = true;
    emitter.emit({ type: 'log', level: 'info', message: `stopping (${why}): finished results are kept; resume with --resume` });
  };
  process.on('message', (msg: unknown) => {
    const parsed = parseWith(engineCommand, msg, 'command');
    if (!parsed.ok) {
      emitter.emit({ type: 'log', level: 'warn', message: `ignored an invalid command: ${parsed.error}` });
      return;
    }
    if (parsed.value.type === 'stop') stop('stop requested');
    if (parsed.value.type === 'pause') control.paused = true;
    if (parsed.value.type === 'resume') control.paused = false;
  });
  // The extension host went away: nobody can stop this run any more, so stop it now.
  process.on('disconnect', () => stop('the parent process disconnected'));
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals > 1) return abort();
    stop(`${sig}; stopping after the current batch, signal again to abort`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  onOutputClosed(() => stop('the output pipe was closed'));
  return control;
}

function trainExperiment(args: ReturnType<typeof parseArgs>): { exp: Experiment; file?: string } {
  const file = args.positionals[0];
  if (args.positionals.length > 1) throw new UsageError(`train takes one experiment file, got ${args.positionals.length} arguments`);
  const base: Experiment = file ? readExperimentFile(file) : {};
  const f = args.flags;
  const exp: Experiment = { ...base };
  const set = <K extends keyof Experiment>(k: K, v: unknown) => {
    if (v !== undefined) exp[k] = v as Experiment[K];
  };
  set('model', f.model);
  set('data', f.data);
  set('method', f.method);
  set('eps', f.eps);
  set('lambda', f.lambda);
  set('beta', f.beta);
  set('epochs', f.epochs);
  set('batchSize', f['batch-size']);
  set('learningRate', f.lr);
  set('trainSize', f['train-size']);
  set('testSize', f['test-size']);
  set('seed', f.seed);
  set('epsWarmupEpochs', f['eps-warmup']);
  set('earlyStoppingPatience', f.patience);
  set('optimizer', f.optimizer);
  if (f['train-steps'] !== undefined) exp.trainAttack = { ...exp.trainAttack, steps: f['train-steps'] as number };
  // `!== undefined`, not truthiness: --eval-steps 0 is an error (validate.ts), never "unset".
  const given = (k: string) => f[k] !== undefined;
  if (['eval-attack', 'eval-eps', 'eval-steps', 'eval-restarts', 'eval-points', 'eval-step-size'].some(given)) {
    exp.eval = { ...exp.eval };
    if (given('eval-attack')) exp.eval.attacks = f['eval-attack'] as string[];
    if (given('eval-eps')) exp.eval.eps = f['eval-eps'] as number[];
    if (given('eval-steps')) exp.eval.steps = f['eval-steps'] as number;
    if (given('eval-restarts')) exp.eval.restarts = f['eval-restarts'] as number;
    if (given('eval-points')) exp.eval.testPoints = f['eval-points'] as number;
    if (given('eval-step-size')) exp.eval.stepSize = f['eval-step-size'] as number;
  }
  if (f.method !== undefined && !(METHODS as readonly string[]).includes(f.method as string)) throw new UsageError(`--method must be one of ${METHODS.join(', ')}, got '${f.method}'`);
  return { exp, file };
}

function attackSettings(args: ReturnType<typeof parseArgs>, curve: boolean): EvalSettings {
  const f = args.flags;
  const given = f.norm as string | undefined;
  if (given !== undefined && given !== 'linf' && given !== 'l2') throw new UsageError(`--norm must be linf or l2, got '${given}'`);
  const known = attackNames();
  for (const a of (f.attack as string[] | undefined) ?? []) if (!known.includes(a)) throw new UsageError(`unknown attack '${a}'; known attacks: ${known.join(', ')}`);
  if (f['fail-under'] !== undefined && curve) throw new UsageError('--fail-under gates an attack run; a curve has no single number to gate on');
  // Without --norm, the threat model the named attacks share (cw-l2 and deepfool alone run under L2).
  const norm = given ?? ((f.attack as string[] | undefined) ? normFor(f.attack as string[]) : 'linf');
  if (norm !== 'linf' && norm !== 'l2') throw new UsageError(norm);
  const attacks = (f.attack as string[] | undefined) ?? [DEFAULT_ATTACK[norm]];
  const fit = normFor(attacks, norm);
  if (fit !== norm) throw new UsageError(fit);
  const epsDefault = curve ? [...EPS_GRIDS[norm].curve] : [defaultEps(f.data as string | undefined, norm)];
  return {
    attacks,
    eps: (f.eps as number[] | undefined) ?? epsDefault,
    steps: f.steps as number | undefined,
    queries: f.queries as number | undefined,
    stepSize: f['step-size'] as number | undefined,
    restarts: (f.restarts as number | undefined) ?? 1,
    testPoints: f['test-size'] as number | undefined,
    norm,
    attackSeed: f['attack-seed'] as number | undefined,
    randomStart: f['random-start'] as boolean | undefined,
    autoattackVersion: f['aa-version'] as string | undefined,
  };
}

function printSummary(summary: Summary, runDir: string, mode: Mode, h: ModelHeadline | undefined): void {
  if (mode !== 'human') return;
  process.stdout.write(`\n${textTable(robustTable(summary))}\n`);
  if (h) process.stdout.write(`\nheadline of this model: ${h.headline?.label ?? noHeadlineText(h)}\n`);
  if (summary.warnings.length) process.stdout.write(`\n${summary.warnings.length} warning(s):\n${summary.warnings.map((w) => `  - [${w.code}] ${w.message}`).join('\n')}\n`);
  else process.stdout.write('\nall sanity checks passed\n');
  process.stdout.write(`\nrun folder: ${runDir}\nreport: ${runFiles(runDir).report}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `robustlab list --json | head -1`: the reader has what it wanted; a run instead stops (makeControl).
  if (command !== 'train' && command !== 'attack' && command !== 'curve') onOutputClosed(() => process.exit(EXIT.ok));
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command ? EXIT.ok : EXIT.badInput;
  }
  if (command === 'info') {
    const { flags } = parseArgs(rest, { json: 'bool' });
    const b = backend();
    const info = {
      backend: b.name,
      backendWarning: b.warning,
      versions: (b.tf as unknown as { version: Record<string, string> }).version,
      node: process.version,
      models: BUILTINS.map((m) => m.name),
      attacks: attackNames(),
      data: DATA_NAMES,
      methods: [...METHODS],
      catalogue: {
        attacks: ATTACKS.map((a) => ({ name: a.name, title: a.title, norms: a.norms, access: a.access, defaults: a.defaults })),
        methods: METHOD_SPECS.map((m) => ({ name: m.name, loss: methodFormulaText(m), weight: m.weight?.name })),
        data: DATA_SETS,
      },
    };
    process.stdout.write(
      flags.json
        ? `${JSON.stringify(info)}\n`
        : `backend: ${info.backend}${b.warning ? `\n${b.warning}` : ''}\nnode: ${info.node}\ntfjs: ${info.versions.tfjs ?? info.versions['tfjs-core']}\nmodels: ${info.models.join(', ')}\nattacks: ${info.attacks.map((a) => `${a} (${attackSpec(a)?.norms.map(normLabel).join(', ')})`).join(', ')}\nmethods: ${METHOD_SPECS.map((m) => `${m.name} (${methodFormulaText(m)})`).join('; ')}\ndata: ${info.data.join(', ')}\n`,
    );
    return EXIT.ok;
  }
  if (command === 'list') return listCommand(rest);
  if (command === 'sweep') return sweepCommand(rest);
  if (command === 'check') return runCheck(rest);
  if (command === 'card') return runCard(rest);
  if (command === 'report') {
    const { positionals, flags } = parseArgs(rest, { 'headline-eps': 'number' });
    const dir = positionals[0];
    if (!dir) throw new UsageError('report needs a run folder');
    const summary = readSummary(dir);
    if (!summary) throw new BadInputError('no summary.json in this run folder', dir);
    const headline = headlineForRunDir(dir, { eps: flags['headline-eps'] as number | undefined });
    writeFileAtomic(runFiles(dir).report, markdownReport(summary, { runDir: dir, headline, headlineAsOf: new Date().toISOString() }));
    printSummary(summary, path.resolve(dir), 'human', headline);
    return EXIT.ok;
  }
  if (command !== 'train' && command !== 'attack' && command !== 'curve') throw new UsageError(`unknown command '${command}'\n\n${USAGE}`);
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(rest, command === 'train' ? TRAIN_FLAGS : ATTACK_FLAGS);
  } catch (err) {
    // A usage error still reaches a machine reader (--json, or the extension over IPC) as an event.
    const mode = pickMode(rest.includes('--json'));
    if (mode !== 'human' && err instanceof BadInputError) {
      const emitter = new Emitter();
      attachOutput(emitter, mode);
      emitter.emit({ type: 'error', code: 'bad-input', message: err.message });
      emitter.close();
    }
    throw err;
  }
  if (args.flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const emitter = new Emitter();
  const mode = pickMode(!!args.flags.json);
  attachOutput(emitter, mode);
  const started = Date.now();
  let runDir = '';
  const end = (status: 'completed' | 'stopped', exitCode: number, message?: string) =>
    emitter.emit({
      type: 'finished',
      status,
      runDir: runDir || (args.flags.resume as string | undefined) || (args.flags.out as string | undefined) || '',
      elapsedSec: (Date.now() - started) / 1000,
      exitCode,
      ...(message ? { message } : {}),
    });
  // A second signal: leave now, but say so in the run's event log (every file is already consistent).
  const control = makeControl(emitter, () => {
    end('stopped', EXIT.stopped, 'aborted by a second signal');
    emitter.close();
    process.exit(EXIT.stopped);
  });
  try {
    // Every flag is checked before anything is read, loaded or written.
    checkFlagValues(args.flags);
    checkResumeFlags(args);
    if (args.flags.out !== undefined) checkOutFolder(path.resolve(args.flags.out as string));
    let stopped = false;
    if (command === 'train') {
      const resume = args.flags.resume as string | undefined;
      const { exp, file } = resume ? { exp: {}, file: undefined } : trainExperiment(args);
      const settings = resolveTrainSettings(exp, file);
      const b = backend();
      const res = await runTrainJob(
        b,
        { settings, experimentFile: file, out: args.flags.out as string | undefined, runsRoot: args.flags['runs-dir'] as string | undefined, resume, argv },
        emitter,
        control,
      );
      runDir = res.runDir;
      stopped = res.stopped;
    } else {
      const resume = args.flags.resume as string | undefined;
      const model = args.positionals[0];
      if (!model && !resume) throw new UsageError(`${command} needs a model.json (a TensorFlow.js Layers or Graph model)`);
      if (args.positionals.length > 1) throw new UsageError(`${command} takes one model.json, got ${args.positionals.length} arguments`);
      const settings = attackSettings(args, command === 'curve');
      const b = backend();
      const res = await runAttackJob(
        b,
        {
          modelPath: model ?? '',
          data: args.flags.data as string | undefined,
          seed: args.flags.seed as number | undefined,
          settings,
          kind: command,
          out: args.flags.out as string | undefined,
          runsRoot: args.flags['runs-dir'] as string | undefined,
          argv,
          resume,
        },
        emitter,
        control,
      );
      runDir = res.runDir;
      stopped = res.stopped;
    }
    const summary = readSummary(runDir);
    // A stopped run neither passes nor fails the gate: its numbers cover only what finished.
    const failUnder = args.flags['fail-under'] as number | undefined;
    const gated = !stopped && summary && command !== 'train' && failUnder !== undefined;
    // One listing of the stored runs serves the gate and the printed headline.
    const headline = summary && (gated || mode === 'human') ? headlineForRunDir(runDir) : undefined;
    let gateFailed: string | undefined;
    if (gated) {
      const eps = gateEps(summary, headline);
      gateFailed = gateFailure(eps === headline?.eps ? headline : headlineForRunDir(runDir, { eps }), path.basename(path.resolve(runDir)), failUnder);
    }
    const code = stopped ? EXIT.stopped : gateFailed ? EXIT.gate : EXIT.ok;
    end(stopped ? 'stopped' : 'completed', code, gateFailed ? `gate failed: ${gateFailed}` : undefined);
    if (summary) printSummary(summary, runDir, mode, headline);
    if (gateFailed) process.stderr.write(`gate failed: ${gateFailed}\n`);
    if (stopped && mode === 'human') process.stderr.write(`stopped; continue with: robustlab ${command} --resume ${runDir}\n`);
    return code;
  } catch (err) {
    if (err instanceof StoppedError) {
      end('stopped', EXIT.stopped, err.message);
      return EXIT.stopped;
    }
    const bad = err instanceof BadInputError;
    const code = bad ? EXIT.badInput : EXIT.internal;
    emitter.emit({ type: 'error', code: bad ? 'bad-input' : 'internal', message: (err as Error).message, ...(bad && err.file ? { file: err.file } : {}) });
    if (mode !== 'human') process.stderr.write(`error: ${(err as Error).message}\n`);
    // A full disk is said plainly (the message names the file and what to do), without a stack.
    if (!bad && mode === 'human' && !(err instanceof WriteError)) process.stderr.write(`${(err as Error).stack}\n`);
    return code;
  } finally {
    emitter.close();
  }
}

// A fault that escapes every handler is internal (exit 3), never mistaken for a gate failure (1).
process.on('uncaughtException', (err) => {
  try {
    process.stderr.write(`internal error: ${err.stack ?? err.message}\n`);
  } catch {
    /* stderr is gone */
  }
  finish(EXIT.internal);
});

main(process.argv.slice(2)).then(
  (code) => finish(code),
  (err: unknown) => {
    const bad = err instanceof BadInputError;
    process.stderr.write(`${bad ? 'error' : 'internal error'}: ${err instanceof Error ? (bad ? err.message : err.stack) : String(err)}\n`);
    finish(bad ? EXIT.badInput : EXIT.internal);
  },
);

function finish(code: number): void {
  process.exitCode = code;
  // Forked children keep the IPC channel open; let queued messages flush, then leave.
  process.removeAllListeners('disconnect');
  if (process.connected) setTimeout(() => process.disconnect(), 50);
  setTimeout(() => process.exit(code), 200).unref();
}
