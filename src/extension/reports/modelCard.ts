// Export Report also writes the run's model card (model-card.json) when the run has an AutoAttack
// evaluation: the same builder as `robustlab card` (pure Node, no TensorFlow in the host).
import fs from 'node:fs';
import path from 'node:path';
import type { Summary } from '../../protocol';
import { buildModelCard } from '../../engine/runs/card';
import { readConfig } from '../../engine/runs/read';

export function writeModelCardIfAny(runDir: string, summary: Summary | undefined, log: (m: string) => void): string | undefined {
  if (!summary?.robust.some((r) => r.attack === 'autoattack')) return undefined;
  const file = path.join(runDir, 'model-card.json');
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(buildModelCard(runDir, summary, readConfig(runDir)), null, 2)}\n`);
  fs.renameSync(tmp, file);
  log(`model card written to ${file}`);
  return file;
}
