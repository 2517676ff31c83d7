// What the extension needs from the dashboard (src/extension/dashboard/panel.ts, DashboardPanels).
import type * as vscode from 'vscode';
import type { EngineEvent } from '../protocol';
import type { ChartInk } from '../protocol/webview';

/** One exported chart: the PNG and where its data is drawn (for the pixel check before writing). */
export interface ChartImage {
  id: string;
  title: string;
  name: string;
  png: Buffer;
  ink: ChartInk;
  points: number;
}

export interface DashboardApi {
  open(runDir: string): Promise<void>;
  post(runDir: string, events: EngineEvent[]): void;
  compare(runDirs: string[]): Promise<void>;
  registerSerializer(): vscode.Disposable;
  /** Drawn from the run's events.jsonl; rejects when the dashboard cannot draw them. */
  exportChartImages(runDir: string): Promise<ChartImage[]>;
  /** Stored runs changed: shown runs get their model's headline again. */
  refreshHeadlines(): void;
  /** The experiments table (the Experiments tab), optionally on one sweep. */
  openExperiments(sweep?: string): Promise<void>;
  /** Stored runs or sweeps changed: every panel's experiments table gets its rows again. */
  refreshExperiments(): void;
}
