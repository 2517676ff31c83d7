// Where the engine and its runtime (TensorFlow.js with its native library) are. The .vsix carries
// dist/engine/cli.js but not node_modules/@tensorflow (about 500 MB, per platform): see
// docs/packaging.md. The engine finds TensorFlow in the extension's node_modules (development
// and source installs), or in the runtime installed into global storage (NODE_PATH).
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

export const RUNTIME_DIR = 'engine-runtime';

export function runtimeDir(context: vscode.ExtensionContext): string {
  return path.join(context.globalStorageUri.fsPath, RUNTIME_DIR);
}

const hasTf = (nodeModules: string) => fs.existsSync(path.join(nodeModules, '@tensorflow', 'tfjs', 'package.json'));

export function engineLocation(context: vscode.ExtensionContext): { enginePath: string; env: NodeJS.ProcessEnv } | { error: string } {
  const override = vscode.workspace.getConfiguration('robustlab').get<string>('enginePath', '');
  const enginePath = override || path.join(context.extensionPath, 'dist', 'engine', 'cli.js');
  if (!fs.existsSync(enginePath)) {
    return { error: `Robustness Lab: the engine is missing (${enginePath}). Run \`npm run build\` in the extension folder.` };
  }
  // Engine resolves @tensorflow/* from its own node_modules first.
  let dir = path.dirname(enginePath);
  for (let i = 0; i < 4; i++, dir = path.dirname(dir)) if (hasTf(path.join(dir, 'node_modules'))) return { enginePath, env: {} };
  const rt = path.join(runtimeDir(context), 'node_modules');
  if (hasTf(rt)) return { enginePath, env: { NODE_PATH: [rt, process.env.NODE_PATH].filter(Boolean).join(path.delimiter) } };
  return {
    error: 'Robustness Lab: the engine runtime (TensorFlow.js) is not installed. From a source checkout run `npm install` in the extension folder; '
      + `for the .vsix see docs/packaging.md (install it into ${rt}).`,
  };
}
