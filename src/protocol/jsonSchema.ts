// The JSON Schema of experiment files, generated from the described experiment definition and the
// catalogue (`npm run gen` writes schemas/advtrain.schema.json; a test fails when the committed file
// differs). Besides types, ranges and enums it states the catalogue's rules editors can check
// offline: the weight each method takes, L∞ ε at most 1, attacks that fit the threat model.
import { attacksFor, METHODS, METHOD_SPECS, DEFAULT_METHOD, EPS_GRIDS, ATTACKS, weightProblem, normLabel, type Weight } from './catalogue';
import { EXPERIMENT } from './experiment';
import type { FieldSpec } from './fields';

type Json = Record<string, unknown>;

function fieldSchema(f: FieldSpec): Json {
  const base: Json = { description: f.description, markdownDescription: f.description };
  switch (f.type) {
    case 'string':
      return {
        type: 'string',
        ...(f.enum || f.known ? { enum: [...(f.enum ?? f.known!)] } : {}),
        ...(f.enumDescriptions ? { enumDescriptions: [...f.enumDescriptions] } : {}),
        ...(f.examples ? { examples: [...f.examples] } : {}),
        ...(f.default !== undefined ? { default: f.default } : {}),
        ...base,
      };
    case 'number':
    case 'integer':
      return {
        type: f.type,
        ...(f.minimum !== undefined ? { minimum: f.minimum } : {}),
        ...(f.exclusiveMinimum !== undefined ? { exclusiveMinimum: f.exclusiveMinimum } : {}),
        ...(f.maximum !== undefined ? { maximum: f.maximum } : {}),
        ...(f.default !== undefined ? { default: f.default } : {}),
        ...base,
      };
    case 'array':
      return { type: 'array', items: fieldSchema(f.items), ...(f.default ? { default: [...f.default] } : {}), ...base };
    case 'object':
      return { type: 'object', additionalProperties: false, properties: Object.fromEntries(Object.entries(f.properties).map(([k, v]) => [k, fieldSchema(v)])), ...base };
  }
}

const refuse = (message: string): Json => ({ not: {}, errorMessage: message });

/** A weight given to a method that does not take it (the method named, or the default when absent). */
function weightRules(): Json[] {
  const rules: Json[] = [];
  for (const w of ['lambda', 'beta'] as Weight[]) {
    for (const m of METHODS) {
      const problem = weightProblem(m, w);
      if (!problem) continue;
      const when =
        m === DEFAULT_METHOD
          ? { anyOf: [{ properties: { method: { const: m } }, required: ['method'] }, { not: { required: ['method'] } }] }
          : { properties: { method: { const: m } }, required: ['method'] };
      rules.push({ if: when, then: { properties: { [w]: refuse(`${problem}.`) } } });
    }
  }
  return rules;
}

/** Under L∞ (unless trainAttack.norm is l2): ε at most 1, and only attacks defined for L∞; under L2 only L2 attacks. */
function normRules(): Json {
  const misfits = (norm: 'linf' | 'l2') => ATTACKS.filter((a) => !attacksFor(norm).some((b) => b.name === a.name)).map((a) => a.name);
  const attacksOf = (norm: 'linf' | 'l2'): Json => ({
    items: { not: { enum: misfits(norm) }, errorMessage: `Under ${normLabel(norm)} (trainAttack.norm) these attacks cannot run: ${misfits(norm).join(', ')}.` },
  });
  const linfEps = { maximum: EPS_GRIDS.linf.max, errorMessage: `An L∞ ε above ${EPS_GRIDS.linf.max} means nothing: inputs are in [0,1].` };
  return {
    if: { properties: { trainAttack: { properties: { norm: { const: 'l2' } }, required: ['norm'] } }, required: ['trainAttack'] },
    then: { properties: { eval: { properties: { attacks: attacksOf('l2') } } } },
    else: { properties: { eps: linfEps, eval: { properties: { eps: { items: linfEps }, attacks: attacksOf('linf') } } } },
  };
}

export function experimentJsonSchema(): Json {
  const body = fieldSchema(EXPERIMENT);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Robustness Lab experiment (*.advtrain.json)',
    ...body,
    description: `${EXPERIMENT.description} Generated from src/protocol/experiment.ts and the catalogue by \`npm run gen\`; do not edit.`,
    markdownDescription: EXPERIMENT.description,
    allOf: [...weightRules(), normRules()],
    // The methods' formulas, for readers of the file.
    $comment: METHOD_SPECS.map((m) => `${m.name}: ${m.loss}${m.lossWithLambda ? ` (with λ: ${m.lossWithLambda})` : ''}`).join('; '),
  };
}
