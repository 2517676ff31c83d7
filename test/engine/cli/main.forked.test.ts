// Forked mode, as the extension runs the engine: events arrive over IPC as protocol objects, and
// a {type:'stop'} command ends the run promptly with status 'stopped' and exit code 130.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { engineEvent, type EngineEvent } from '../../../src/protocol';
import { childEnv, CLI, ensureBuilt, tmpDir, TINY_TRAIN } from '../../helpers/engineCli';

before(() => ensureBuilt());

test('a forked train run sends valid events over IPC and stops on {type:"stop"}', async () => {
  const cwd = tmpDir('fork');
  const out = path.join(cwd, 'run');
  const child = fork(CLI, ['train', ...TINY_TRAIN, '--epochs', '20', '--out', out], { cwd, env: childEnv(), execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const events: EngineEvent[] = [];
  const invalid: string[] = [];
  let stopSentAt = 0;
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  const kill = setTimeout(() => child.kill('SIGKILL'), 90_000);
  child.on('message', (msg: unknown) => {
    assert.equal(typeof msg, 'object', 'messages arrive as objects, not JSON text');
    try {
      events.push(engineEvent(msg, 'ipc'));
    } catch (err) {
      invalid.push(String(err));
      return;
    }
    const e = events[events.length - 1];
    if (e.type === 'batch' && !stopSentAt) {
      child.send({ type: 'no-such-command' });
      child.send({ type: 'stop' });
      stopSentAt = Date.now();
    }
  });
  const { code, at } = await exited;
  clearTimeout(kill);
  assert.deepEqual(invalid, []);
  assert.equal(code, 130, `a stopped run exits 130\n${stderr}`);
  assert.ok(stopSentAt > 0, 'training started');
  assert.ok(at - stopSentAt < 20_000, `stopped promptly (${at - stopSentAt} ms)`);
  assert.equal(events[0].type, 'run-started');
  const last = events[events.length - 1];
  assert.equal(last.type, 'finished', `last event ${last.type}`);
  assert.equal(last.type === 'finished' && last.status, 'stopped');
  assert.equal(last.type === 'finished' && last.exitCode, 130);
  assert.ok(
    events.some((e) => e.type === 'log' && e.level === 'warn' && /ignored an invalid command/.test(e.message)),
    'an invalid command is reported, not fatal',
  );
  const epochs = events.filter((e) => e.type === 'epoch').length;
  assert.ok(epochs < 20, `stopped well before the 20 epochs (ran ${epochs})`);
  assert.ok(!events.some((e) => e.type === 'summary'), 'no evaluation after a stop');
  assert.equal(stdout.trim(), '', 'in IPC mode nothing goes to stdout');
  assert.ok(fs.existsSync(path.join(out, 'events.jsonl')));
});
