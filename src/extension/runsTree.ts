// The "Robustness Runs" view: runs grouped by the model or experiment they came from.
import path from 'node:path';
import * as vscode from 'vscode';
import type { RunInfo } from '../engine/runs/read';
import { allRunsRoots } from './config';
import { groupDescription, headlineMarkdown, runOwnText } from './reports/headlineText';
import type { RunsCache } from './runsCache';
import type { EngineHost } from './engineHost';
import type { Headlines } from './headlines';
import { groupShortName, runRows, sweepGroup } from './reports/treeText';

export type TreeNode = { kind: 'group'; key: string; label: string; sweep?: boolean; runs: RunInfo[] } | { kind: 'run'; run: RunInfo; live: boolean; label: string; description: string };

const ICON: Record<string, string> = { completed: 'pass', stopped: 'debug-stop', failed: 'error', running: 'sync~spin', unknown: 'circle-outline' };

export function groupKey(r: RunInfo): { key: string; label: string; sweep?: boolean } {
  const sweep = sweepGroup(r.config?.source.experiment);
  if (sweep) return { key: sweep.key, label: sweep.label, sweep: true };
  const src = r.config?.source.experiment ?? r.config?.source.model;
  if (!src) return { key: '(other)', label: r.summary?.model ?? '(other runs)' };
  return { key: src, label: groupShortName(src, path.basename(src)) };
}

export class RunsTree implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly cache: RunsCache,
    private readonly host: EngineHost,
    private readonly headlines: Headlines,
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (node?.kind === 'run') return [];
    if (node?.kind === 'group') {
      const live = (run: RunInfo) => !!this.host.manager.get(run.runDir)?.running;
      const rows = runRows(node.runs, (id) => live(node.runs.find((r) => r.runId === id)!));
      return node.runs.map((run, i) => ({ kind: 'run', run, live: live(run), ...rows[i] }));
    }
    const groups = new Map<string, TreeNode & { kind: 'group' }>();
    for (const root of allRunsRoots()) {
      for (const r of this.cache.runs(root)) {
        const g = groupKey(r);
        const entry = groups.get(g.key) ?? { kind: 'group' as const, key: g.key, label: g.label, ...(g.sweep ? { sweep: true } : {}), runs: [] };
        entry.runs.push(r);
        groups.set(g.key, entry);
      }
    }
    return [...groups.values()];
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      // The file's headline, the same label as its CodeLens (a sweep's points are several models: each row has its own).
      const model = path.isAbsolute(node.key) && !node.sweep ? this.headlines.forFile(node.key) : undefined;
      item.description = groupDescription(model, node.runs.length);
      item.tooltip = new vscode.MarkdownString(
        [`\`${node.key}\` · ${node.runs.length} run${node.runs.length === 1 ? '' : 's'}`, model ? `Headline of the model: ${headlineMarkdown(model)}` : ''].filter(Boolean).join('\n\n'),
      );
      item.iconPath = new vscode.ThemeIcon(node.key.endsWith('.advtrain.json') ? 'beaker' : node.sweep ? 'sync' : 'symbol-class');
      item.contextValue = 'robustlab.group';
      if (path.isAbsolute(node.key)) item.resourceUri = vscode.Uri.file(node.key);
      return item;
    }
    const r = node.run;
    const status = node.live ? 'running' : r.status;
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    // A run row: a short name and the run's own result; the tooltip says what that number is and
    // gives the model's headline, the run id and its folder.
    item.description = node.description;
    const model = r.summary ? this.headlines.forRunDir(r.runDir) : undefined;
    item.tooltip = new vscode.MarkdownString(
      [
        `**${r.runId}** (${r.config?.kind ?? '?'}, ${status})`,
        r.summary
          ? `${runOwnText(r.summary)} (the run's own result, not the model's headline)${r.summary.warnings.length ? ` · ${r.summary.warnings.length} sanity warning${r.summary.warnings.length === 1 ? '' : 's'}` : ''}`
          : '',
        model ? `Headline of its model: ${headlineMarkdown(model)}` : '',
        `\`${r.runDir}\``,
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    // A screen reader (and a search by id) gets what the short row leaves out.
    item.accessibilityInformation = { label: `${node.label}, ${status}${node.description ? `, ${node.description}` : ''}, run ${r.runId}` };
    item.iconPath = new vscode.ThemeIcon(ICON[status] ?? 'circle-outline');
    item.contextValue = node.live ? 'robustlab.run.live' : 'robustlab.run';
    item.command = { command: 'robustlab.runs.open', title: 'Open Dashboard', arguments: [node] };
    return item;
  }
}
