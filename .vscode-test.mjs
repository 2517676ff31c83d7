// @vscode/test-cli configuration, for machines that can download VS Code
// (`npx vscode-test`): runs test/e2e/ext-tests inside a desktop VS Code's extension host.
//
// It CANNOT run on the project's build machines and CI: VS Code's download server
// (update.code.visualstudio.com) is unreachable there, so @vscode/test-electron cannot fetch VS
// Code. There, `npm run test:e2e` runs the same extension-host tests in code-server (VS Code's
// server and web workbench, installed from npm) driven by playwright-core; see test/e2e/run-e2e.sh.
import { defineConfig } from '@vscode/test-cli';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'robustlab-vscode-test-'));
const ws = path.join(out, 'ws');
fs.mkdirSync(ws, { recursive: true });
fs.writeFileSync(path.join(ws, 'tiny.advtrain.json'), JSON.stringify({ model: 'cnn-small', data: 'mnist-sample', method: 'fgsm', eps: 0.3, epochs: 1, trainSize: 256, testSize: 128 }));
fs.writeFileSync(path.join(ws, 'long.advtrain.json'), JSON.stringify({ model: 'cnn-small', data: 'mnist-sample', method: 'fgsm', eps: 0.3, epochs: 50, trainSize: 512, testSize: 128 }));
fs.writeFileSync(path.join(ws, 'bad.advtrain.json'), '{\n  "method": "madry",\n  "eps": 3\n}\n');

export default defineConfig({
  label: 'extension-host',
  // suite.js wraps ext-tests/index.js's run() (the extensionTestsPath contract) in a mocha test.
  files: 'test/e2e/ext-tests/suite.js',
  version: '1.96.4',
  workspaceFolder: ws,
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  env: { ROBUSTLAB_E2E_OUT: out, ROBUSTLAB_E2E_WS: ws },
});
