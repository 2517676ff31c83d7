// What must hold in a run folder after any fault and the recovery that follows it: every JSON file
// parses, every checkpoint generation matches its manifest, every model's weights match its
// model.json manifest, checkpoints/state.json agrees with the newest complete generation, and
// events.jsonl holds valid events (a line torn by a kill is the only kind allowed to be skipped).
import fs from 'node:fs';
import path from 'node:path';
import { summary as summaryCheck } from '../../src/protocol';
import { readEvents } from '../../src/engine/runs/read';
import { isTempName } from '../../src/engine/io/atomic';
import { pointerFile, recoverCheckpoints, verifyGeneration } from '../../src/engine/train/checkpointStore';

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2 };

/** Bytes a model.json's manifest declares, and the bytes its weight files hold. */
function weightBytes(modelJson: string): { declared: number; present: number } {
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8')) as { weightsManifest: { paths: string[]; weights: { shape: number[]; dtype: string }[] }[] };
  let declared = 0;
  let present = 0;
  for (const g of json.weightsManifest) {
    for (const w of g.weights) declared += w.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[w.dtype] ?? 4);
    for (const p of g.paths) present += fs.statSync(path.join(path.dirname(modelJson), p)).size;
  }
  return { declared, present };
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

export interface Check {
  problems: string[];
  /** The newest complete checkpoint's epoch (0: none). */
  epoch: number;
  skippedEventLines: number;
}

/** Checks a run folder; `settled`: after a successful resume (no temp files, no stale pointer). */
export function checkRunFolder(runDir: string, opts: { settled: boolean }): Check {
  const problems: string[] = [];
  for (const f of walk(runDir)) {
    const rel = path.relative(runDir, f);
    if (isTempName(path.basename(f)) || rel.split(path.sep).some((p) => isTempName(p))) {
      if (opts.settled) problems.push(`temp file left: ${rel}`);
      continue;
    }
    if (f.endsWith('.json')) {
      try {
        JSON.parse(fs.readFileSync(f, 'utf8'));
      } catch (err) {
        problems.push(`${rel} does not parse: ${(err as Error).message}`);
      }
    }
    if (path.basename(f) === 'model.json') {
      try {
        const { declared, present } = weightBytes(f);
        if (declared !== present) problems.push(`${rel}: weights hold ${present} bytes, the manifest declares ${declared}`);
      } catch (err) {
        problems.push(`${rel}: weights unreadable (${(err as Error).message})`);
      }
    }
  }
  const ckpt = path.join(runDir, 'checkpoints');
  let epoch = 0;
  if (fs.existsSync(ckpt)) {
    for (const e of fs.readdirSync(ckpt).filter((x) => x.startsWith('gen-'))) {
      const v = verifyGeneration(path.join(ckpt, e));
      if (!v.ok) problems.push(`generation ${e} is not complete: ${v.problem}`);
    }
    const rec = recoverCheckpoints(ckpt, { repair: false });
    epoch = rec.latest?.state.epoch ?? 0;
    if (rec.latest && fs.existsSync(pointerFile(ckpt))) {
      const p = JSON.parse(fs.readFileSync(pointerFile(ckpt), 'utf8')) as { generation?: number; epoch?: number; step?: number };
      const agrees = p.generation === rec.latest.n && p.epoch === rec.latest.state.epoch && p.step === rec.latest.state.step;
      if (!agrees && opts.settled)
        problems.push(`state.json (generation ${p.generation}, epoch ${p.epoch}) disagrees with the newest checkpoint (generation ${rec.latest.n}, epoch ${rec.latest.state.epoch})`);
    }
    if (opts.settled && rec.problems.length) problems.push(...rec.problems.map((x) => `recovery left: ${x}`));
  }
  const summary = path.join(runDir, 'summary.json');
  if (fs.existsSync(summary)) {
    try {
      summaryCheck(JSON.parse(fs.readFileSync(summary, 'utf8')), 'summary.json');
    } catch (err) {
      problems.push(`summary.json: ${(err as Error).message}`);
    }
  }
  const { skipped } = readEvents(runDir);
  return { problems, epoch, skippedEventLines: skipped };
}
