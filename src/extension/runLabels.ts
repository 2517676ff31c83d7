// Telling concurrent runs apart: two runs of the same experiment would otherwise have the same label
// in their progress notifications, status bar, "finished" message and pickers. Pure: unit-tested.
import fs from 'node:fs';
import path from 'node:path';

/** `label`, or `label #2`, `label #3`… when a run in progress already has it. */
export function distinctLabel(label: string, inUse: readonly string[]): string {
  if (!inUse.includes(label)) return label;
  for (let n = 2; ; n++) if (!inUse.includes(`${label} #${n}`)) return `${label} #${n}`;
}

/** A run folder no run uses yet: two starts in the same second get `-2`, `-3`… */
export function freeRunDir(runsRoot: string, runId: string, inUse: readonly string[]): string {
  const taken = (d: string) => inUse.includes(d) || fs.existsSync(d);
  let dir = path.join(runsRoot, runId);
  for (let n = 2; taken(dir); n++) dir = path.join(runsRoot, `${runId}-${n}`);
  return dir;
}
