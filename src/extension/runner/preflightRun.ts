// Runs the engine's pre-flight check (`check MODEL --json`) as a short-lived process and validates
// its answer with the protocol's definition. No `vscode` import: unit-tested against a fake engine.
// (The host loads no TensorFlow: the check runs where the attacks run, in the engine.)
import { execFile } from 'node:child_process';
import { parseWith, preflightReport, type PreflightReport } from '../../protocol';

export interface PreflightLaunch {
  enginePath: string;
  model: string;
  data?: string;
  execPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

export type PreflightOutcome =
  | { kind: 'report'; report: PreflightReport }
  /** The model did not load (the engine's bad-input message, naming the file and the fix). */
  | { kind: 'load-error'; message: string }
  /** The check itself could not run (engine missing, crash, timeout, unreadable answer). */
  | { kind: 'failed'; message: string };

export function preflightArgs(o: Pick<PreflightLaunch, 'enginePath' | 'model' | 'data'>): string[] {
  return [o.enginePath, 'check', o.model, '--json', ...(o.data ? ['--data', o.data] : [])];
}

export function parsePreflightOutput(stdout: string): PreflightOutcome {
  const line = stdout.trim().split('\n').filter(Boolean).pop();
  if (!line) return { kind: 'failed', message: 'the engine printed nothing' };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { kind: 'failed', message: `the engine's answer is not JSON: ${line.slice(0, 200)}` };
  }
  if (json && typeof json === 'object' && typeof (json as { error?: unknown }).error === 'string') return { kind: 'load-error', message: (json as { error: string }).error };
  const parsed = parseWith(preflightReport, json, 'check');
  return parsed.ok ? { kind: 'report', report: parsed.value } : { kind: 'failed', message: `invalid check report: ${parsed.error}` };
}

export function runPreflightCheck(o: PreflightLaunch): Promise<PreflightOutcome> {
  return new Promise((resolve) => {
    execFile(
      o.execPath || process.execPath,
      preflightArgs(o),
      {
        cwd: o.cwd,
        timeout: o.timeoutMs ?? 120_000,
        maxBuffer: 8 << 20,
        env: { ...process.env, ...o.env, ELECTRON_RUN_AS_NODE: '1', TF_CPP_MIN_LOG_LEVEL: '2' },
      },
      (err, stdout, stderr) => {
        const out = parsePreflightOutput(stdout);
        // Exit code 2 with a report is a check that found errors, not a failure to check.
        if (out.kind !== 'failed' || !err) return resolve(out);
        resolve({ kind: 'failed', message: `${err.message.split('\n')[0]}${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}` });
      },
    );
  });
}
