// scripts/install-native.mjs pins what it downloads by sha256 and checks the pins again when it
// takes a copy from the cache: the pinned wheel hash is the real one (the cached wheel, when this
// machine has it, hashes to it), and a tampered cache (wheel or unpacked libraries) is refused and
// fetched again instead of being used. No network: pip is a stand-in that fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'install-native.mjs');
type Mod = {
  PINS: Record<string, { wheel: { file: string; sha256: string; bytes: number }; wheelLibs: Record<string, string>; libtensorflow: Record<string, { file: string; sha256: string }> }>;
  sha256File(f: string): string;
  prepareWheelLibrary(v: string): string;
};
const load = () => import(SCRIPT) as Promise<Mod>;

test('every download has a sha256 pin', async () => {
  const { PINS } = await load();
  const p = PINS['2.9.1'];
  assert.match(p.wheel.sha256, /^[0-9a-f]{64}$/);
  assert.equal(p.wheel.sha256, '6666ddeae45e1f41da788cb4bdea3435aba16edb0bc17b7ac00631c7c9eb052e');
  for (const sha of Object.values(p.wheelLibs)) assert.match(sha, /^[0-9a-f]{64}$/);
  assert.equal(p.libtensorflow['linux-x64'].sha256, '7f510d2546e3db5e10b1d119463689003d587842892ad3c95bca51cf82820173');
  // The version tfjs-node asks for is the one pinned.
  const deps = fs.readFileSync(path.resolve(__dirname, '..', '..', 'node_modules', '@tensorflow', 'tfjs-node', 'scripts', 'deps-constants.js'), 'utf8');
  assert.match(deps, /LIBTENSORFLOW_VERSION = '2\.9\.1'/);
});

test('the pins are the real hashes: the cached wheel and the libraries unpacked from it match', async (t) => {
  const { PINS, sha256File } = await load();
  const cache = process.env.ROBUSTLAB_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'robustlab');
  const wheel = path.join(cache, 'wheels', PINS['2.9.1'].wheel.file);
  if (!fs.existsSync(wheel)) return t.skip(`no cached wheel on this machine (${wheel}); the install checks it when it downloads it`);
  assert.equal(fs.statSync(wheel).size, PINS['2.9.1'].wheel.bytes);
  assert.equal(sha256File(wheel), PINS['2.9.1'].wheel.sha256);
  const libs = path.join(cache, 'libtensorflow-2.9.1-cpu-wheel');
  for (const [rel, sha] of Object.entries(PINS['2.9.1'].wheelLibs)) {
    if (fs.existsSync(path.join(libs, rel))) assert.equal(sha256File(path.join(libs, rel)), sha, rel);
  }
});

test('a tampered cache is not used: the libraries and the wheel are fetched again (here pip fails, so the install stops)', async () => {
  const { PINS, prepareWheelLibrary } = await load();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-native-'));
  const cache = path.join(root, 'cache');
  const unpacked = path.join(cache, 'libtensorflow-2.9.1-cpu-wheel');
  for (const rel of Object.keys(PINS['2.9.1'].wheelLibs)) {
    fs.mkdirSync(path.dirname(path.join(unpacked, rel)), { recursive: true });
    fs.writeFileSync(path.join(unpacked, rel), 'not the library');
  }
  fs.writeFileSync(path.join(unpacked, '.complete'), 'tensorflow-cpu==2.9.1\n');
  fs.mkdirSync(path.join(cache, 'wheels'), { recursive: true });
  fs.writeFileSync(path.join(cache, 'wheels', PINS['2.9.1'].wheel.file), 'not the wheel');
  // A python whose pip exists but cannot download (no network in unit tests).
  const bin = path.join(root, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'python3'), '#!/bin/sh\n[ "$3" = "--version" ] && { echo "pip 24"; exit 0; }\necho "pip: no network" >&2; exit 1\n');
  fs.chmodSync(path.join(bin, 'python3'), 0o755);
  const saved = { cache: process.env.ROBUSTLAB_CACHE, path: process.env.PATH };
  process.env.ROBUSTLAB_CACHE = cache;
  process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`;
  const logs: string[] = [];
  const orig = console.log;
  console.log = (m: string) => {
    logs.push(String(m));
  };
  try {
    assert.throws(() => prepareWheelLibrary('2.9.1'), /pip could not download tensorflow-cpu==2\.9\.1/);
  } finally {
    console.log = orig;
    process.env.ROBUSTLAB_CACHE = saved.cache;
    if (saved.cache === undefined) delete process.env.ROBUSTLAB_CACHE;
    process.env.PATH = saved.path;
  }
  assert.ok(
    logs.some((l) => /is not what was pinned .*differs from its pinned sha256/.test(l)),
    logs.join('\n'),
  );
  assert.ok(
    logs.some((l) => /does not have the pinned sha256: downloading it again/.test(l)),
    logs.join('\n'),
  );
  assert.ok(!fs.existsSync(unpacked), 'the tampered libraries are gone');
  assert.ok(!fs.existsSync(path.join(cache, 'wheels', PINS['2.9.1'].wheel.file)), 'the tampered wheel is gone');
});
