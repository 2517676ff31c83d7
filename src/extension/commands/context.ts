// What the run commands share: the engine host, the dashboards, the runs cache, the log, and one
// preflight gate for Attack and Curve (its diagnostics on a model.json stay until the next check).
import type * as vscode from 'vscode';
import type { DashboardApi } from '../dashboardApi';
import type { EngineHost } from '../engineHost';
import { PreflightGate } from '../preflight';
import type { RunsCache } from '../runsCache';

export interface CommandContext {
  readonly host: EngineHost;
  readonly dashboards: () => DashboardApi;
  readonly cache: RunsCache;
  readonly log: vscode.LogOutputChannel;
  readonly extension: vscode.ExtensionContext;
  /** Made on first use: activation stays cheap. */
  gate(): PreflightGate;
}

export function commandContext(host: EngineHost, dashboards: () => DashboardApi, cache: RunsCache, log: vscode.LogOutputChannel, extension: vscode.ExtensionContext): CommandContext {
  let gate: PreflightGate | undefined;
  return { host, dashboards, cache, log, extension, gate: () => (gate ??= new PreflightGate(extension, log)) };
}
