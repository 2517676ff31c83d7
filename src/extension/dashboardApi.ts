// What the extension needs from the dashboard (src/extension/dashboard/panel.ts, DashboardPanels).
import type * as vscode from 'vscode';
import type { EngineEvent } from '../protocol';

export interface DashboardApi {
  open(runDir: string): Promise<void>;
  post(runDir: string, events: EngineEvent[]): void;
  compare(runDirs: string[]): Promise<void>;
  registerSerializer(): vscode.Disposable;
  exportChartImages(runDir: string): Promise<{ name: string; png: Buffer }[]>;
  /** Stored runs changed: shown runs get their model's headline again. */
  refreshHeadlines(): void;
}
