// `robustlab card RUN_DIR [--eps E] [--out FILE] [--json]`: writes the run's RobustBench-style model
// card (model-card.json in the run folder unless --out) and prints it (--json) or a summary line.
import path from 'node:path';
import { BadInputError, EXIT, UsageError } from '../errors';
import { writeFileAtomic } from '../models/io';
import { buildModelCard } from '../runs/card';
import { readConfig, readSummary } from '../runs/read';
import { parseArgs } from './args';

export const MODEL_CARD_FILE = 'model-card.json';

export async function runCard(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, { eps: 'number', out: 'string', json: 'bool' });
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError('card takes one run folder: robustlab card RUN_DIR [--eps E] [--out FILE]');
  const summary = readSummary(dir);
  if (!summary) throw new BadInputError('no summary.json in this run folder (the run has not finished)', dir);
  const card = buildModelCard(dir, summary, readConfig(dir), { eps: flags.eps as number | undefined });
  const out = (flags.out as string | undefined) ?? path.join(dir, MODEL_CARD_FILE);
  writeFileAtomic(out, `${JSON.stringify(card, null, 2)}\n`);
  process.stdout.write(
    flags.json
      ? `${JSON.stringify(card)}\n`
      : `${card.name}: clean ${card.clean_acc}%, AutoAttack (${card.autoattack_version}) ${card.autoattack_acc}% at ${card.threat_model} eps=${card.eps} on ${card.test_points} points${card.unreliable ? ' — flagged unreliable, see warnings' : ''}\nwrote ${out}\n`,
  );
  return EXIT.ok;
}
