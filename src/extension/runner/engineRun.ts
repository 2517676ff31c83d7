// One engine subprocess: forked with Node's IPC channel, its messages validated against the
// protocol, its stderr kept (last lines) for crash reports. No `vscode` import: unit-tested in
// plain Node against a fake engine script.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { engineEvent, parseWith, PROTOCOL_VERSION, type EngineCommand, type EngineEvent, type RunKind } from '../../protocol';
import { runFiles } from '../../engine/runs/layout';
import { resumeAction, type ResumeAction } from './resume';

export type Logger = (line: string) => void;

export interface EngineLaunch {
  /** The engine entry point, dist/engine/cli.js. */
  enginePath: string;
  /** Command-line arguments after the script: ['train', 'exp.advtrain.json', '--out', dir, ...]. */
  args: string[];
  runDir: string;
  kind: RunKind;
  /** Shown in the status bar and notifications: "fgsm cnn-small". */
  label: string;
  /** The Node binary; undefined or '' = the host's own (VS Code's Node). */
  execPath?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How long Stop waits for the engine to finish by itself before killing it. */
  stopGraceMs?: number;
  /** Live events are handed over in batches at most this often (keeps the host responsive). */
  flushMs?: number;
}

export type OutcomeStatus = 'completed' | 'stopped' | 'gate-failed' | 'bad-input' | 'crashed' | 'killed';

export interface RunOutcome {
  status: OutcomeStatus;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  runDir: string;
  /** One line for a notification. */
  message: string;
  /** The last lines of the engine's stderr and log events. */
  lastLog: string[];
  /** The run can be continued (resumeAction says how: Resume training, or Finish Evaluation). */
  resumable: boolean;
  resumeAction?: ResumeAction;
  eventsReceived: number;
  eventsDropped: number;
}

const LOG_KEEP = 200;

export class EngineRun {
  readonly runDir: string;
  readonly kind: RunKind;
  readonly label: string;
  readonly startedAt = Date.now();
  /** Resolves when the process is gone (never rejects). */
  readonly done: Promise<RunOutcome>;
  eventsReceived = 0;
  eventsDropped = 0;
  /** The newest epoch and eval events, for the status bar. */
  lastEpoch?: Extract<EngineEvent, { type: 'epoch' }>;
  lastEval?: Extract<EngineEvent, { type: 'eval' }>;
  lastProgress?: Extract<EngineEvent, { type: 'progress' }>;
  private finished?: Extract<EngineEvent, { type: 'finished' }>;
  private engineError?: Extract<EngineEvent, { type: 'error' }>;
  private readonly child: ChildProcess;
  private readonly logLines: string[] = [];
  private readonly listeners = new Set<(events: EngineEvent[]) => void>();
  private pending: EngineEvent[] = [];
  private flushTimer?: NodeJS.Timeout;
  private stopRequested = false;
  private killedByUs = false;
  private killTimers: NodeJS.Timeout[] = [];
  private exited = false;
  private startError?: Error;
  private stderrRest = '';
  private stdoutRest = '';

  constructor(
    private readonly launch: EngineLaunch,
    private readonly log: Logger,
  ) {
    this.runDir = launch.runDir;
    this.kind = launch.kind;
    this.label = launch.label;
    const execPath = launch.execPath || process.execPath;
    this.log(`[${this.label}] ${execPath} ${launch.enginePath} ${launch.args.join(' ')}`);
    this.child = fork(launch.enginePath, launch.args, {
      execPath,
      cwd: launch.cwd,
      // VS Code's own binary is Electron: this makes it behave as plain Node.
      env: { ...process.env, ...launch.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
      // Not the host's own flags (an --inspect port, a test runner's loaders): the engine is plain Node.
      execArgv: [],
    });
    this.done = new Promise<RunOutcome>((resolve) => {
      let settled = false;
      const settle = (code: number | null, signal: NodeJS.Signals | null) => {
        if (settled) return;
        settled = true;
        this.exited = true;
        this.killTimers.forEach(clearTimeout);
        this.flush();
        if (this.flushTimer) clearTimeout(this.flushTimer);
        resolve(this.outcome(code, signal));
      };
      this.child.on('error', (err) => {
        // Spawn failures (bad nodePath) end here; errors after a successful start are logged.
        this.startError ??= err;
        this.remember(`engine process error: ${err.message}`);
        if (this.child.pid === undefined) settle(null, null);
      });
      this.child.on('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
      });
      // 'close' comes after all stdio has been read: the last stderr lines are in.
      this.child.on('close', (code, signal) => settle(code ?? this.exitCode, signal ?? this.exitSignal));
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderrRest = this.lines(this.stderrRest + chunk, '');
    });
    this.child.stderr?.on('end', () => {
      if (this.stderrRest) this.lines(this.stderrRest + '\n', '');
      this.stderrRest = '';
    });
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => {
      this.stdoutRest = this.lines(this.stdoutRest + chunk, 'stdout: ');
    });
    this.child.on('message', (msg) => this.onMessage(msg));
  }

  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;

  get pid(): number | undefined {
    return this.child.pid;
  }
  get running(): boolean {
    return !this.exited;
  }

  /** Live events, in batches. Returns an unsubscribe function. */
  onEvents(listener: (events: EngineEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  lastLog(n = 20): string[] {
    return this.logLines.slice(-n);
  }

  send(command: EngineCommand): boolean {
    if (this.exited || !this.child.connected) return false;
    try {
      this.child.send(command);
      return true;
    } catch (err) {
      this.log(`[${this.label}] could not send ${command.type}: ${(err as Error).message}`);
      return false;
    }
  }

  /** Asks the engine to stop (it saves and finishes); kills it if it has not exited after the grace period. */
  stop(graceMs = this.launch.stopGraceMs ?? 10_000): Promise<RunOutcome> {
    if (this.exited) return this.done;
    if (!this.stopRequested) {
      this.stopRequested = true;
      const sent = this.send({ type: 'stop' });
      this.log(`[${this.label}] stop requested${sent ? '' : ' (IPC closed)'}; killing in ${graceMs} ms if still running`);
      this.killTimers.push(setTimeout(() => this.kill('SIGTERM'), sent ? graceMs : 0));
      this.killTimers.push(setTimeout(() => this.kill('SIGKILL'), (sent ? graceMs : 0) + 2000));
    }
    return this.done;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.exited) return;
    this.killedByUs = true;
    this.log(`[${this.label}] sending ${signal} to engine pid ${this.child.pid}`);
    try {
      this.child.kill(signal);
    } catch {
      /* already gone */
    }
  }

  private lines(text: string, prefix: string): string {
    const parts = text.split(/\r?\n/);
    const rest = parts.pop() ?? '';
    for (const line of parts) if (line.trim()) this.remember(prefix + line);
    // A process that never prints a newline must not grow the buffer without bound.
    return rest.length > 64_000 ? (this.remember(prefix + rest.slice(0, 2000) + ' …'), '') : rest;
  }

  private remember(line: string): void {
    this.logLines.push(line);
    if (this.logLines.length > LOG_KEEP * 2) this.logLines.splice(0, this.logLines.length - LOG_KEEP);
    this.log(`[${this.label}] ${line}`);
  }

  private onMessage(msg: unknown): void {
    const parsed = parseWith(engineEvent, msg, 'event');
    if (!parsed.ok) {
      this.eventsDropped++;
      // Do not flood the log when an engine sends garbage in a loop.
      if (this.eventsDropped <= 20 || this.eventsDropped % 1000 === 0) {
        const shown = safeJson(msg).slice(0, 200);
        this.log(`[${this.label}] dropped invalid engine message #${this.eventsDropped} (${parsed.error}): ${shown}`);
      }
      return;
    }
    const e = parsed.value;
    this.eventsReceived++;
    switch (e.type) {
      case 'epoch':
        this.lastEpoch = e;
        break;
      case 'eval':
        this.lastEval = e;
        break;
      case 'progress':
        this.lastProgress = e;
        break;
      case 'finished':
        this.finished = e;
        break;
      case 'error':
        this.engineError = e;
        this.remember(`engine error (${e.code}): ${e.message}`);
        break;
      case 'log':
        if (e.level !== 'debug') this.remember(`${e.level}: ${e.message}`);
        break;
      case 'warning':
        this.remember(`warning ${e.warning.code}: ${e.warning.message}`);
        break;
      default:
        break;
    }
    this.pending.push(e);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), this.launch.flushMs ?? 100);
  }

  private flush(): void {
    this.flushTimer = undefined;
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    for (const l of this.listeners) {
      try {
        l(batch);
      } catch (err) {
        this.log(`[${this.label}] event listener failed: ${(err as Error).message}`);
      }
    }
  }

  /**
   * How the run ended, from the engine's own last event (finished or error); the exit code and
   * signal only explain an engine that died without one (a crash, a kill).
   */
  private outcome(code: number | null, signal: NodeJS.Signals | null): RunOutcome {
    const base = { exitCode: code, signal, runDir: this.runDir, lastLog: this.lastLog(20), eventsReceived: this.eventsReceived, eventsDropped: this.eventsDropped };
    let status: OutcomeStatus;
    let message: string;
    const fin = this.finished;
    const err = this.engineError;
    if (this.startError && this.child.pid === undefined) {
      status = 'crashed';
      message = `The engine could not start: ${this.startError.message} (check the setting robustlab.nodePath).`;
    } else if (fin) {
      if (fin.status === 'stopped') {
        status = 'stopped';
        message = `${this.label} stopped.`;
      } else if (fin.exitCode === 1) {
        status = 'gate-failed';
        message = `${this.label}: ${fin.message ?? 'robust accuracy is below the --fail-under gate.'}`;
      } else {
        status = 'completed';
        message = `${this.label} finished.`;
      }
    } else if (err) {
      status = err.code === 'bad-input' ? 'bad-input' : 'crashed';
      message = err.code === 'bad-input' ? `${this.label}: bad input — ${err.message}` : `${this.label} failed: ${err.message}`;
    } else if (this.killedByUs) {
      status = 'killed';
      message = `${this.label} did not stop within the grace period and was killed.`;
    } else {
      status = 'crashed';
      const how = signal
        ? `was killed by ${signal}${signal === 'SIGKILL' ? ' (out of memory?)' : ''}`
        : code === 134 || code === 137
          ? `exited with code ${code} (out of memory?)`
          : `exited with code ${code} without reporting how it ended`;
      message = `${this.label} crashed: the engine ${how}.`;
    }
    if ((status === 'crashed' && !err) || status === 'killed') this.markFailed(message);
    const action = status === 'crashed' || status === 'killed' || status === 'stopped' ? resumeAction(this.runDir) : undefined;
    if (!action) removeIfEmpty(this.runDir);
    return { ...base, status, message, resumable: !!action, ...(action ? { resumeAction: action } : {}) };
  }

  /** A crashed engine could not write its own end: record it so the run does not look "running" forever. */
  private markFailed(message: string): void {
    const file = runFiles(this.runDir).events;
    try {
      if (!fs.existsSync(this.runDir)) return;
      const line = JSON.stringify({ type: 'error', v: PROTOCOL_VERSION, code: 'internal', message });
      fs.appendFileSync(file, (needsNewline(file) ? '\n' : '') + line + '\n');
    } catch (err) {
      this.log(`[${this.label}] could not record the crash in ${file}: ${(err as Error).message}`);
    }
  }
}

/** A run folder the engine never used (it refused the input, or stopped before starting) goes. */
function removeIfEmpty(runDir: string): void {
  try {
    if (fs.readdirSync(runDir).length === 0) fs.rmdirSync(runDir);
  } catch {
    /* not there, or not empty */
  }
}

function needsNewline(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (st.size === 0) return false;
    const fd = fs.openSync(file, 'r');
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, st.size - 1);
    fs.closeSync(fd);
    return b[0] !== 0x0a;
  } catch {
    return false;
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Several runs at once, each its own process. */
export class EngineManager {
  private readonly runs = new Map<string, EngineRun>();
  private readonly startListeners = new Set<(run: EngineRun) => void>();
  private readonly endListeners = new Set<(run: EngineRun, outcome: RunOutcome) => void>();

  constructor(private readonly log: Logger) {}

  start(launch: EngineLaunch): EngineRun {
    if (this.runs.get(launch.runDir)?.running) throw new Error(`a run is already writing to ${launch.runDir}`);
    const run = new EngineRun(launch, this.log);
    this.runs.set(launch.runDir, run);
    for (const l of this.startListeners) safe(() => l(run), this.log);
    void run.done.then((outcome) => {
      this.log(`[${run.label}] ${outcome.status} (exit ${outcome.exitCode ?? outcome.signal}); ${outcome.eventsReceived} events, ${outcome.eventsDropped} dropped`);
      for (const l of this.endListeners) safe(() => l(run, outcome), this.log);
      if (this.runs.get(run.runDir) === run) this.runs.delete(run.runDir);
    });
    return run;
  }

  get(runDir: string): EngineRun | undefined {
    return this.runs.get(runDir);
  }
  active(): EngineRun[] {
    return [...this.runs.values()].filter((r) => r.running);
  }

  onStart(l: (run: EngineRun) => void): () => void {
    this.startListeners.add(l);
    return () => this.startListeners.delete(l);
  }
  onEnd(l: (run: EngineRun, outcome: RunOutcome) => void): () => void {
    this.endListeners.add(l);
    return () => this.endListeners.delete(l);
  }

  /** Ends every run: stop, then kill after the grace period. */
  async stopAll(graceMs = 3000): Promise<RunOutcome[]> {
    return Promise.all(this.active().map((r) => r.stop(graceMs)));
  }
}

function safe(f: () => void, log: Logger): void {
  try {
    f();
  } catch (err) {
    log(`listener failed: ${(err as Error).message}`);
  }
}
