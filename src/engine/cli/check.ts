// `robustlab check MODEL.json [--data D] [--test-size N] [--seed N] [--points N] [--json]`: the
// pre-flight check alone (no run is made). Exit 0 when the model can be attacked, 2 when a finding
// is an error (or the model does not load). --json prints the protocol's PreflightReport.
import { backend } from '../backend';
import { BadInputError, EXIT, UsageError } from '../errors';
import { checkModelFile } from '../models/preflightJob';
import type { PreflightReport } from '../../protocol';
import { parseArgs } from './args';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export function formatReport(r: PreflightReport): string {
  const lines = [
    `model: ${r.model} (${r.format} model)`,
    `input: ${r.inputShape.join('x')} images${r.nativeInputShape ? ` (the model's own input: [N,${r.nativeInputShape.join(',')}])` : ''}${r.inputTransform ? `, scaled to ${r.inputTransform.range}` : ''}; ${r.numClasses} classes; outputs ${r.output}${r.softmax ? ` (${r.softmax})` : ''}`,
  ];
  if (r.data) lines.push(`data: ${r.data}${r.points !== undefined ? `, ${r.points} points` : ''}${r.cleanAccuracy !== undefined ? `, clean accuracy ${pct(r.cleanAccuracy)}` : ''}`);
  for (const f of r.findings) {
    lines.push(`  ${f.severity === 'error' ? 'ERROR' : f.severity === 'warning' ? 'WARNING' : 'info'} [${f.code}] ${f.message}`);
    if (f.fix) lines.push(`      fix: ${f.fix}`);
  }
  lines.push(r.ok ? 'ok: the model can be attacked' : `not ok: ${r.findings.filter((f) => f.severity === 'error').length} error(s); attacks refuse this model until they are fixed`);
  return lines.join('\n');
}

export async function runCheck(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, { data: 'string', 'test-size': 'int', seed: 'int', points: 'int', json: 'bool' });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('check takes one model.json: robustlab check MODEL.json [--data D] [--json]');
  const { tf } = backend();
  try {
    const { report } = await checkModelFile(tf, file, {
      data: flags.data as string | undefined,
      seed: flags.seed as number | undefined,
      testSize: flags['test-size'] as number | undefined,
      points: flags.points as number | undefined,
    });
    process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
    return report.ok ? EXIT.ok : EXIT.badInput;
  } catch (err) {
    // A model that does not load is the check's answer too: say it in the same form.
    if (!(err instanceof BadInputError) || !flags.json) throw err;
    process.stdout.write(`${JSON.stringify({ version: 1, error: err.message, file: err.file })}\n`);
    return EXIT.badInput;
  }
}
