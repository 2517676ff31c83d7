// The "Adversarially Train Model" wizard: method, data, ε, the method's weight, epochs. Only what
// the catalogue says the method takes is asked and written (src/protocol/catalogue/methods.ts).
import { DATA_SETS, DEFAULT_DATA, DEFAULT_METHOD, DEFAULT_MODEL, defaultEps, EPS_GRIDS, EXPERIMENT, fmtEps, METHOD_SPECS, methodSpec, weightProblem, type Method } from '../../protocol';
import type { TrainAnswers } from '../runner/args';
import { StepCounter, type Prompter } from './prompter';

export const TRAIN_TITLE = 'Adversarially Train Model';

/** The steps shown for these given answers, once the method is known. */
export function trainSteps(given: Partial<TrainAnswers>, method: Method | undefined): string[] {
  const steps: string[] = [];
  if (given.method === undefined) steps.push('method');
  if (given.data === undefined) steps.push('data');
  if (given.eps === undefined) steps.push('eps');
  const weight = method ? methodSpec(method).weight : undefined;
  if (method && weight && given[weight.name] === undefined) steps.push('weight');
  if (given.epochs === undefined) steps.push('epochs');
  return steps;
}

export const DEFAULT_EPOCHS = EXPERIMENT.properties.epochs.default;

/** Asks what `given` leaves open (nothing when noPrompt: the catalogue's defaults fill in). */
export async function askTrain(p: Prompter, given: Partial<TrainAnswers>, noPrompt: boolean, dataDefault: string = DEFAULT_DATA): Promise<TrainAnswers | undefined> {
  for (const w of ['lambda', 'beta'] as const) {
    const problem = given.method && given[w] !== undefined ? weightProblem(given.method, w) : undefined;
    if (problem) throw new Error(problem);
  }
  const counter = new StepCounter(TRAIN_TITLE);
  let method = given.method;
  if (method === undefined) {
    method = noPrompt
      ? DEFAULT_METHOD
      : await p.pick(
          counter.next('method', undefined),
          METHOD_SPECS.map((m) => ({
            value: m.name,
            label: m.name,
            description: `${m.title}${m.paper ? `, ${m.paper}` : ''}`,
            detail: `${m.loss}${m.lossWithLambda ? `  ·  with λ: ${m.lossWithLambda}` : ''} — ${m.summary}`,
          })),
          DEFAULT_METHOD,
        );
    if (!method) return undefined;
  }
  const spec = methodSpec(method);
  // Known from here on: the steps shown so far plus those this method still needs.
  const totalSteps = counter.count + trainSteps(given, method).filter((s) => s !== 'method').length;
  const next = (what: string) => counter.next(what, totalSteps);

  const data =
    given.data ??
    (noPrompt
      ? dataDefault
      : await p.pick(
          next('data'),
          DATA_SETS.map((d) => ({ value: d.name, label: d.name, description: d.description })),
          dataDefault,
        ));
  if (!data) return undefined;

  const epsDefault = defaultEps(data, 'linf');
  const eps =
    given.eps ??
    (noPrompt
      ? epsDefault
      : await p.number(next('ε (L∞, data range [0,1])'), {
          value: fmtEps(epsDefault),
          min: 0,
          max: EPS_GRIDS.linf.max,
          prompt: `The radius of the training perturbations; ${data}'s customary ε is ${fmtEps(epsDefault)}. Fractions like 8/255 work.`,
        }));
  if (eps === undefined || eps === null) return undefined;

  let lambda = given.lambda;
  let beta = given.beta;
  const w = spec.weight;
  if (w && !noPrompt && given[w.name] === undefined) {
    const range = EXPERIMENT.properties[w.name];
    const optional = w.default === undefined;
    const answer = await p.number(next(`${w.symbol} — ${optional ? `${spec.loss}, or with λ ${spec.lossWithLambda}` : spec.loss}`), {
      value: optional ? '' : String(w.default),
      min: range.minimum,
      max: range.maximum,
      allowEmpty: optional,
      prompt: optional ? `Empty: ${spec.loss} (${spec.paper}). A number λ: ${spec.lossWithLambda}.` : `${w.symbol}: ${w.meaning}.`,
    });
    if (answer === undefined) return undefined;
    if (answer !== null) {
      if (w.name === 'lambda') lambda = answer;
      else beta = answer;
    }
  }

  const epochs =
    given.epochs ??
    (noPrompt
      ? DEFAULT_EPOCHS
      : await p.number(next('epochs'), { value: String(DEFAULT_EPOCHS), min: EXPERIMENT.properties.epochs.minimum, max: EXPERIMENT.properties.epochs.maximum, integer: true }));
  if (epochs === undefined || epochs === null) return undefined;

  return { model: given.model ?? DEFAULT_MODEL, data, method, eps, epochs, ...(lambda !== undefined ? { lambda } : {}), ...(beta !== undefined ? { beta } : {}) };
}
