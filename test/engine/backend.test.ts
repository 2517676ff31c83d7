import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { backend, chooseBackend } from '../../src/engine/backend';

const root = path.resolve(__dirname, '../..');

describe('backend', () => {
  it('is the native tensorflow backend (CI must exercise it; ROBUSTLAB_ALLOW_CPU=1 opts out locally)', (t) => {
    if (process.env.ROBUSTLAB_ALLOW_CPU === '1' && !process.env.CI) {
      t.skip('ROBUSTLAB_ALLOW_CPU=1');
      return;
    }
    const b = backend();
    assert.equal(b.name, 'tensorflow', `native backend missing: ${b.warning}`);
    assert.equal(b.tf.getBackend(), 'tensorflow');
    assert.equal(b.warning, undefined);
  });

  it('falls back loudly, naming the cause and the fix', () => {
    let cpuLoaded = false;
    const fakeTf = { setBackend: () => true, getBackend: () => 'cpu' } as never;
    const choice = chooseBackend(
      {
        native: () => {
          throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory');
        },
        cpu: () => {
          cpuLoaded = true;
          return fakeTf;
        },
      },
      {},
    );
    assert.equal(choice.name, 'cpu');
    assert.ok(cpuLoaded);
    assert.match(choice.warning!, /NATIVE BACKEND UNAVAILABLE/);
    assert.match(choice.warning!, /libtensorflow\.so\.2: cannot open shared object file/);
    assert.match(choice.warning!, /npm run native/);
  });

  it('a CLI whose native addon fails to load says so on stderr and in its info', () => {
    // A preload makes require('@tensorflow/tfjs-node') throw, as a missing libtensorflow would.
    const preload = path.join(root, 'test/fixtures/engine/break-native.js');
    const res = spawnSync(process.execPath, ['-r', preload, path.join(root, 'bin/robustlab.js'), 'info', '--json'], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
    assert.equal(res.status, 0, res.stderr);
    const info = JSON.parse(res.stdout.trim().split('\n').pop()!);
    assert.equal(info.backend, 'cpu');
    assert.match(info.backendWarning, /simulated: libtensorflow missing/);
    assert.match(res.stderr, /\*\*\* robustlab: NATIVE BACKEND UNAVAILABLE/);
  });
});
