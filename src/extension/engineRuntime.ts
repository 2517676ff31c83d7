// Where the engine and its runtime (TensorFlow.js with its native library) are. The .vsix carries
// dist/engine/cli.js but not node_modules/@tensorflow (about 500 MB, per platform): see
// docs/packaging.md. The engine finds TensorFlow in the extension's own node_modules (source
// checkouts, development), else in the runtime installed into global storage (NODE_PATH).
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { installRuntime, runtimeDependencies, runtimeReady } from './runner/runtimeInstall';

export const RUNTIME_DIR = 'engine-runtime';

export function runtimeDir(context: vscode.ExtensionContext): string {
  return path.join(context.globalStorageUri.fsPath, RUNTIME_DIR);
}

const hasTf = (nodeModules: string) => fs.existsSync(path.join(nodeModules, '@tensorflow', 'tfjs', 'package.json'));

export type EngineLocation = { enginePath: string; env: NodeJS.ProcessEnv } | { error: string; missingRuntime?: boolean };

export function engineLocation(context: vscode.ExtensionContext): EngineLocation {
  const override = vscode.workspace.getConfiguration('robustlab').get<string>('enginePath', '');
  const enginePath = override || path.join(context.extensionPath, 'dist', 'engine', 'cli.js');
  if (!fs.existsSync(enginePath)) {
    return { error: `Robustness Lab: the engine is missing (${enginePath}). Run \`npm run build\` in the extension folder.` };
  }
  let dir = path.dirname(enginePath);
  for (let i = 0; i < 4; i++, dir = path.dirname(dir)) if (hasTf(path.join(dir, 'node_modules'))) return { enginePath, env: {} };
  const rt = runtimeDir(context);
  if (runtimeReady(rt, runtimeDependencies(context.extensionPath))) {
    const nm = path.join(rt, 'node_modules');
    return { enginePath, env: { NODE_PATH: [nm, process.env.NODE_PATH].filter(Boolean).join(path.delimiter) } };
  }
  return {
    missingRuntime: true,
    error: "Robustness Lab: the engine runtime (TensorFlow.js and its native library, ~500 MB) is not installed yet. Install it now? It goes into VS Code's global storage and needs npm.",
  };
}

let installing: Promise<boolean> | undefined;

/** "Install Engine Runtime": npm install + native TensorFlow into global storage, with a progress notification. */
export function installEngineRuntime(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<boolean> {
  installing ??= Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Robustness Lab: installing the engine runtime', cancellable: true }, async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      const nodePath = vscode.workspace.getConfiguration('robustlab').get<string>('nodePath', '');
      try {
        await installRuntime({
          extensionPath: context.extensionPath,
          runtimeDir: runtimeDir(context),
          node: nodePath || undefined,
          signal: ac.signal,
          npm: nodePath ? path.join(path.dirname(nodePath), process.platform === 'win32' ? 'npm.cmd' : 'npm') : undefined,
          log: (line) => {
            log.info(`[runtime] ${line}`);
            progress.report({ message: line.slice(0, 100) });
          },
        });
        void vscode.window.showInformationMessage('Robustness Lab: the engine runtime is installed.');
        return true;
      } catch (err) {
        log.error(`[runtime] ${(err as Error).message}`);
        void vscode.window.showErrorMessage(`Robustness Lab: installing the engine runtime failed: ${(err as Error).message}`, 'Show Log').then((a) => a && log.show());
        return false;
      }
    }),
  ).finally(() => {
    installing = undefined;
  });
  return installing;
}
