// The layout check on small temporary trees: a test without a source twin fails the check by name,
// aspect files and webview/scripts twins pass, and the folders that are not mirrored are ignored.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { orphanTests, testFiles, twinStem, untestedSources } from '../../scripts/test-layout';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'test-layout.ts');

function tree(files: string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'robustlab-layout-'));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), '');
  }
  return root;
}

function runCheck(root: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, root], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const MIRRORED = [
  'src/engine/cli/main.ts',
  'src/engine/backend.ts',
  'src/engine/data/idx.ts',
  'webview/eta.ts',
  'scripts/install-native.mjs',
  'scripts/gen.ts',
  'test/engine/cli/main.test.ts',
  'test/engine/cli/main.validation.test.ts',
  'test/engine/backend.test.ts',
  'test/webview/eta.test.ts',
  'test/scripts/install-native.test.ts',
  'test/scripts/gen.test.ts',
  'test/helpers/engineCli.ts',
  'test/helpers/misplaced.test.ts',
  'test/e2e/anything.test.ts',
  'test/faults/suite.test.ts',
  'test/fixtures/runs/x.test.ts',
];

test('the twin of test/X/Y[.aspect].test.ts is X/Y', () => {
  assert.equal(twinStem('test/engine/cli/main.validation.test.ts'), 'engine/cli/main');
  assert.equal(twinStem('test/engine/backend.test.ts'), 'engine/backend');
  assert.equal(twinStem('test/webview/eta.test.ts'), 'webview/eta');
  assert.equal(twinStem('test/scripts/install-native.test.ts'), 'scripts/install-native');
});

test('a mirrored tree passes: aspects, webview and scripts twins; e2e, faults, helpers and fixtures are not checked', () => {
  const root = tree(MIRRORED);
  assert.deepEqual(orphanTests(root), []);
  assert.deepEqual(testFiles(root), [
    'test/engine/backend.test.ts',
    'test/engine/cli/main.test.ts',
    'test/engine/cli/main.validation.test.ts',
    'test/scripts/gen.test.ts',
    'test/scripts/install-native.test.ts',
    'test/webview/eta.test.ts',
  ]);
  assert.deepEqual(untestedSources(root), ['src/engine/data/idx.ts']);
  const r = runCheck(root);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /6 test files, 0 without a source twin; 1 source files without a test/);
});

test('a test without a source twin fails the check and is named, with the twin it lacks', () => {
  const root = tree([...MIRRORED, 'test/engine/core/attacks.test.ts', 'test/engine/data/cifar.test.ts', 'test/webview/gone.ui.test.ts']);
  assert.deepEqual(orphanTests(root), ['test/engine/core/attacks.test.ts', 'test/engine/data/cifar.test.ts', 'test/webview/gone.ui.test.ts']);
  const r = runCheck(root);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /test\/engine\/core\/attacks\.test\.ts: no source twin \(expected src\/engine\/core\/attacks\.ts\)/);
  assert.match(r.stderr, /test\/engine\/data\/cifar\.test\.ts: no source twin/);
  assert.match(r.stderr, /test\/webview\/gone\.ui\.test\.ts: no source twin \(expected webview\/gone\.ts\)/);
  assert.match(r.stdout, /3 without a source twin/);
});

test('a source file renamed away from its test orphans the test', () => {
  const root = tree(MIRRORED);
  fs.renameSync(path.join(root, 'webview/eta.ts'), path.join(root, 'webview/timing.ts'));
  assert.deepEqual(orphanTests(root), ['test/webview/eta.test.ts']);
  assert.equal(runCheck(root).status, 1);
});

test('this repository is laid out as a mirror', () => {
  assert.deepEqual(orphanTests(path.resolve(__dirname, '..', '..')), []);
});
