// Running the built engine CLI (bin/robustlab.js -> dist/engine/cli.js) from tests.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engineEvent, type EngineEvent } from '../../src/protocol';

export const ROOT = path.resolve(__dirname, '../..');
export const BIN = path.join(ROOT, 'bin', 'robustlab.js');
export const CLI = path.join(ROOT, 'dist', 'engine', 'cli.js');

/** Tiny settings that keep a train run to a few seconds on the embedded MNIST sample. */
export const TINY_TRAIN = ['--model', 'mlp', '--method', 'fgsm', '--train-size', '300', '--test-size', '100', '--eval-points', '100', '--eval-steps', '5'];

export const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', ROBUSTLAB_DATA_MIRROR: 'http://127.0.0.1:9/', ...extra });

/**
 * `npm test` builds first. When dist is missing (a test run on a fresh checkout), build it once,
 * under a lock folder so the CLI test files running in parallel do not build over each other.
 */
export function ensureBuilt(): void {
  const lock = path.join(ROOT, 'dist', '.test-build-lock');
  const deadline = Date.now() + 60_000;
  while (!fs.existsSync(CLI)) {
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    try {
      fs.mkdirSync(lock);
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for another build (${lock})`);
      spawnSync(process.execPath, ['-e', 'setTimeout(() => {}, 200)']);
      continue;
    }
    try {
      const res = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
      if (res.status !== 0) throw new Error(`npm run build failed:\n${res.stderr}`);
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

export function tmpDir(tag: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `rl-cli-${tag}-`));
  made.push(d);
  return d;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/robustlab.js ...args`; onLine sees each stdout line as it arrives. */
export function runCli(args: string[], opts: { cwd: string; onLine?: (line: string, child: ReturnType<typeof spawn>) => void; timeoutMs?: number; env?: Record<string, string> }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: childEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`robustlab ${args.join(' ')} timed out; stderr:\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) opts.onLine?.(l, child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Every non-empty stdout line parsed and validated against the protocol's engineEvent. */
export function jsonEvents(stdout: string): EngineEvent[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(l);
      } catch {
        assert.fail(`stdout line ${i + 1} is not JSON: ${l.slice(0, 200)}`);
      }
      return engineEvent(parsed, `line ${i + 1}`);
    });
}

export function ofType<T extends EngineEvent['type']>(events: EngineEvent[], type: T): Extract<EngineEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
}
