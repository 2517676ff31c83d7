// One esbuild call per target: the engine CLI (Node), the extension host (Node, vscode external),
// the dashboard (browser). Natives and TensorFlow stay external: they load from node_modules.
import * as esbuild from 'esbuild';
import fs from 'node:fs';

const watch = process.argv.includes('--watch');
const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs', 'mnist'] };
const targets = [
  { ...node, entryPoints: ['src/engine/cli/main.ts'], outfile: 'dist/engine/cli.js' },
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  { bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: true, logLevel: 'warning', entryPoints: ['webview/main.ts'], outfile: 'dist/webview/dashboard.js' },
].filter((t) => fs.existsSync(t.entryPoints[0]));

if (watch) {
  for (const t of targets) await (await esbuild.context(t)).watch();
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
  console.log(`built ${targets.map((t) => t.outfile).join(', ')}`);
}
