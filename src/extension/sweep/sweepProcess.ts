// One `robustlab sweep` process for the extension: forked with an IPC channel, its sweep messages
// validated against the protocol, stopped over IPC (it stops its points, which save and end) and
// killed after a grace period. Its points are ordinary runs the runs view and table read from disk.
// No `vscode` import: unit-tested against the real sweep command with a fake engine per point.
import { fork, type ChildProcess } from 'node:child_process';
import { parseWith, sweepMessage, type SweepMessage, type SweepMessageOf, type SweepPointInfo } from '../../protocol';

export interface SweepLaunch {
  enginePath: string;
  /** ['sweep', FILE, '--lambda', '0,1', ...] or ['sweep', '--resume', DIR]. */
  args: string[];
  /** Shown in the status bar: "Sweep λ of tiny.advtrain.json". */
  label: string;
  /** The experiment file (for its CodeLens). */
  experiment?: string;
  execPath?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How long Stop waits for the sweep (and its points) to finish before killing it. */
  stopGraceMs?: number;
}

export type SweepEnd = 'completed' | 'stopped' | 'failed' | 'bad-input' | 'crashed';

export interface SweepOutcome {
  status: SweepEnd;
  exitCode: number | null;
  message: string;
  finished?: SweepMessageOf<'sweep-finished'>;
  sweepDir?: string;
  lastLog: string[];
}

export class SweepProcess {
  readonly label: string;
  readonly experiment?: string;
  readonly done: Promise<SweepOutcome>;
  started?: SweepMessageOf<'sweep-started'>;
  progress?: SweepMessageOf<'sweep-progress'>;
  readonly points = new Map<number, SweepPointInfo>();
  private finished?: SweepMessageOf<'sweep-finished'>;
  private error?: SweepMessageOf<'error'>;
  private readonly child: ChildProcess;
  private readonly logLines: string[] = [];
  private readonly listeners = new Set<(m: SweepMessage) => void>();
  private stopRequested = false;
  private exited = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly launch: SweepLaunch,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.label = launch.label;
    this.experiment = launch.experiment;
    this.log(`[${this.label}] ${launch.execPath || process.execPath} ${launch.enginePath} ${launch.args.join(' ')}`);
    this.child = fork(launch.enginePath, launch.args, {
      execPath: launch.execPath || process.execPath,
      cwd: launch.cwd,
      execArgv: [],
      env: { ...process.env, ...launch.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.done = new Promise((resolve) => {
      let settled = false;
      const settle = (code: number | null, signal: NodeJS.Signals | null) => {
        if (settled) return;
        settled = true;
        this.exited = true;
        this.timers.forEach(clearTimeout);
        resolve(this.outcome(code, signal));
      };
      this.child.on('error', (err) => {
        this.remember(`sweep process error: ${err.message}`);
        if (this.child.pid === undefined) settle(null, null);
      });
      this.child.on('close', (code, signal) => settle(code, signal));
    });
    let rest = '';
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split(/\r?\n/);
      rest = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) this.remember(l);
    });
    this.child.stdout?.resume();
    this.child.on('message', (msg) => this.onMessage(msg));
  }

  get running(): boolean {
    return !this.exited;
  }
  get pid(): number | undefined {
    return this.child.pid;
  }
  get sweepDir(): string | undefined {
    return this.started?.sweepDir ?? this.finished?.sweepDir;
  }

  onMessage(raw: unknown): void {
    const parsed = parseWith(sweepMessage, raw, 'sweep message');
    if (!parsed.ok) {
      this.remember(`dropped an invalid sweep message (${parsed.error})`);
      return;
    }
    const m = parsed.value;
    switch (m.type) {
      case 'sweep-started':
        this.started = m;
        for (const p of m.points) this.points.set(p.index, p);
        break;
      case 'sweep-point':
        this.points.set(m.point.index, m.point);
        break;
      case 'sweep-progress':
        this.progress = m;
        break;
      case 'sweep-finished':
        this.finished = m;
        break;
      case 'error':
        this.error = m;
        this.remember(`error: ${m.message}`);
        break;
      case 'log':
        if (m.level !== 'debug') this.remember(`${m.level}: ${m.message}`);
        break;
    }
    for (const l of this.listeners) {
      try {
        l(m);
      } catch (err) {
        this.log(`[${this.label}] listener failed: ${(err as Error).message}`);
      }
    }
  }

  on(listener: (m: SweepMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  lastLog(n = 20): string[] {
    return this.logLines.slice(-n);
  }

  /** Stops the sweep: running points save and stop, none starts; killed after the grace period. */
  stop(graceMs = this.launch.stopGraceMs ?? 60_000): Promise<SweepOutcome> {
    if (this.exited) return this.done;
    if (!this.stopRequested) {
      this.stopRequested = true;
      let sent = false;
      try {
        if (this.child.connected) {
          this.child.send({ type: 'stop' });
          sent = true;
        }
      } catch {
        sent = false;
      }
      this.log(`[${this.label}] stop requested${sent ? '' : ' (IPC closed)'}`);
      this.timers.push(setTimeout(() => this.child.kill('SIGTERM'), sent ? graceMs : 0));
      this.timers.push(setTimeout(() => this.child.kill('SIGKILL'), (sent ? graceMs : 0) + 5000));
    }
    return this.done;
  }

  private remember(line: string): void {
    this.logLines.push(line);
    if (this.logLines.length > 400) this.logLines.splice(0, 200);
    this.log(`[${this.label}] ${line}`);
  }

  private outcome(code: number | null, signal: NodeJS.Signals | null): SweepOutcome {
    const base = { exitCode: code, lastLog: this.lastLog(20), ...(this.finished ? { finished: this.finished } : {}), ...(this.sweepDir ? { sweepDir: this.sweepDir } : {}) };
    const f = this.finished;
    // The sweep's own last word decides; the exit code only when it said nothing.
    if (f) {
      const pts = `${f.completed}/${f.total} points completed${f.failed ? `, ${f.failed} failed` : ''}${f.stopped ? `, ${f.stopped} stopped or not started` : ''}`;
      return { ...base, status: f.status, message: `${this.label} ${f.status === 'completed' ? 'finished' : f.status}: ${pts}.` };
    }
    if (code === 2 || this.error?.code === 'bad-input') return { ...base, status: 'bad-input', message: `${this.label}: ${this.error?.message ?? this.lastLog(1)[0] ?? 'bad input'}` };
    return {
      ...base,
      status: 'crashed',
      message: `${this.label}: the sweep process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${this.error ? `: ${this.error.message}` : ''}; its points are resumable (Resume Sweep).`,
    };
  }
}
