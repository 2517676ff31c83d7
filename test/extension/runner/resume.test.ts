// What "continue this run" offers for a run folder (src/extension/runner/resume.ts): Resume for a
// training run (from its checkpoint, or from epoch 1 if it was stopped before the first), Finish
// Evaluation once training had finished or for an attack/curve run, nothing for a finished run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resumeAction } from '../../../src/extension/runner/resume';

const SUMMARY = path.resolve(__dirname, '..', '..', 'fixtures', 'runs', 'ext-20261124-100000-train-fgsm', 'summary.json');

function run(kind: 'train' | 'attack' | 'curve', files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rl-resume-${kind}-`));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ runId: path.basename(dir), kind, createdAt: '', source: {}, settings: {}, argv: [] }));
  for (const [f, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), body);
  }
  return dir;
}
const complete = fs.readFileSync(SUMMARY, 'utf8');
const partial = JSON.stringify({ ...JSON.parse(complete), complete: false });

test('a training run stopped or killed before its first checkpoint: Resume (restarts from epoch 1)', () => {
  const dir = run('train');
  assert.deepEqual(resumeAction(dir), { label: 'Resume', kind: 'train', args: ['train', '--resume', dir] });
});

test('a training run whose training had finished: Finish Evaluation', () => {
  const dir = run('train', { 'model/model.json': JSON.stringify({ userDefinedMetadata: { trainingComplete: true } }) });
  assert.equal(resumeAction(dir)?.label, 'Finish Evaluation');
  const stoppedInTraining = run('train', { 'model/model.json': JSON.stringify({ userDefinedMetadata: { trainingComplete: false } }) });
  assert.equal(resumeAction(stoppedInTraining)?.label, 'Resume');
  const stoppedInEvaluation = run('train', { 'summary.json': partial });
  assert.equal(resumeAction(stoppedInEvaluation)?.label, 'Finish Evaluation');
});

test('a stopped attack or curve run: Finish Evaluation with its own command', () => {
  const dir = run('attack', { 'summary.json': partial });
  assert.deepEqual(resumeAction(dir), { label: 'Finish Evaluation', kind: 'attack', args: ['attack', '--resume', dir] });
  assert.deepEqual(resumeAction(run('curve'))?.args.slice(0, 2), ['curve', '--resume']);
});

test('a finished run, or a folder that is not a run, has nothing to resume', () => {
  assert.equal(resumeAction(run('train', { 'summary.json': complete })), undefined);
  assert.equal(resumeAction(run('attack', { 'summary.json': complete })), undefined);
  assert.equal(resumeAction(fs.mkdtempSync(path.join(os.tmpdir(), 'rl-notrun-'))), undefined);
});
