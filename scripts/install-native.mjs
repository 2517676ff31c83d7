#!/usr/bin/env node
// Makes @tensorflow/tfjs-node's native binding work, also where Google's storage is unreachable.
//
// Route 1 (a normal machine): tfjs-node's own install script downloads libtensorflow and the addon.
// Route 2 (firewalled machines, mirrors, our CI): the C library is taken from PyPI's tensorflow-cpu
// wheel of the same TensorFlow version, and the binding is built from the sources tfjs-node ships.
// The wheel's library also carries TensorFlow's Python glue, so it references CPython symbols; a
// generated stub library satisfies them (they are never called through the C API).
//
// Environment: ROBUSTLAB_TF_ROUTE=auto|download|wheel, ROBUSTLAB_SKIP_NATIVE=1, ROBUSTLAB_CACHE=dir.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(projectRoot, 'package.json'));
const log = (msg) => console.log(`[robustlab native] ${msg}`);

class InstallError extends Error {
  constructor(missing, fix) {
    super(`${missing}\n  fix: ${fix}`);
  }
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (res.error) throw res.error;
  return res;
}

function have(cmd) {
  return run('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function tfjsNodeDir() {
  try {
    return path.dirname(require.resolve('@tensorflow/tfjs-node/package.json'));
  } catch {
    throw new InstallError('@tensorflow/tfjs-node is not installed in node_modules.', 'run `npm install` in the project folder first.');
  }
}

/** Loads tfjs-node in a child process, so a broken binding cannot take this script down. */
function nativeLoads() {
  const res = run(process.execPath, ['-e', "const tf=require('@tensorflow/tfjs-node');process.stdout.write(tf.getBackend())"], {
    cwd: projectRoot,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  return { ok: res.status === 0 && res.stdout.trim() === 'tensorflow', detail: (res.stderr || '').trim().split('\n').slice(-3).join(' | ') };
}

function reachable(url, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const req = https.request(url, { method: 'HEAD', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.on('error', () => resolve(false));
    req.end();
  });
}

function cacheRoot() {
  if (process.env.ROBUSTLAB_CACHE) return process.env.ROBUSTLAB_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'robustlab');
}

function findPython() {
  for (const cand of ['python3', 'python']) {
    if (have(cand) && run(cand, ['-m', 'pip', '--version']).status === 0) return cand;
  }
  throw new InstallError('python3 with pip is needed to fetch the tensorflow-cpu wheel from PyPI.', 'apt-get install python3-pip (or set ROBUSTLAB_TF_ROUTE=download on a machine that reaches storage.googleapis.com).');
}

function wheelPlatform() {
  if (process.platform === 'linux' && process.arch === 'x64') return 'manylinux2014_x86_64';
  throw new InstallError(`the PyPI route supports linux-x64 only, this is ${process.platform}-${process.arch}.`, 'use tfjs-node\'s ordinary download (ROBUSTLAB_TF_ROUTE=download) or point TFJS_NODE_BASE_URI at a libtensorflow mirror.');
}

const WHEEL_MEMBERS = [
  'tensorflow/libtensorflow_framework.so.2',
  'tensorflow/python/_pywrap_tensorflow_internal.so',
  'tensorflow/include/tensorflow/c/',
  'tensorflow/include/tensorflow/core/platform/',
];

/** Downloads (pip caches it) and unpacks the C library and headers once into the cache. */
function prepareWheelLibrary(tfVersion) {
  const dir = path.join(cacheRoot(), `libtensorflow-${tfVersion}-cpu-wheel`);
  if (fs.existsSync(path.join(dir, '.complete'))) {
    log(`using cached libtensorflow ${tfVersion} from ${dir}`);
    return dir;
  }
  const python = findPython();
  const wheels = path.join(cacheRoot(), 'wheels');
  fs.mkdirSync(wheels, { recursive: true });
  const spec = `tensorflow-cpu==${tfVersion}`;
  log(`downloading ${spec} (about 210 MB) from PyPI into ${wheels}`);
  // The wheel is only unpacked, never imported, so any CPython tag with this TF version will do.
  const pip = run(python, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--python-version', '3.10',
    '--platform', wheelPlatform(), '--platform', 'manylinux2010_x86_64', spec, '-d', wheels], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (pip.status !== 0) {
    throw new InstallError(`pip could not download ${spec} (exit ${pip.status}).`, 'check that PyPI is reachable (pip config list), or set ROBUSTLAB_TF_ROUTE=download.');
  }
  const wheel = fs.readdirSync(wheels).find((f) => f.startsWith(`tensorflow_cpu-${tfVersion}-`) && f.endsWith('.whl'));
  if (!wheel) throw new InstallError(`no ${spec} wheel found in ${wheels} after pip download.`, `delete ${wheels} and run again.`);
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  log(`unpacking the C library and headers from ${wheel}`);
  const unzip = run(python, ['-c', [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'want = sys.argv[3:]',
    'names = [n for n in z.namelist() if any(n == w or (w.endswith("/") and n.startswith(w)) for w in want)]',
    'z.extractall(sys.argv[2], names)',
    'print(len(names))',
  ].join('\n'), path.join(wheels, wheel), tmp, ...WHEEL_MEMBERS]);
  if (unzip.status !== 0) throw new InstallError(`could not unpack ${wheel}: ${unzip.stderr.trim()}`, `delete ${path.join(wheels, wheel)} and run again.`);
  const lib = path.join(tmp, 'tensorflow/python/_pywrap_tensorflow_internal.so');
  checkExportsCApi(lib);
  buildPythonStub(lib, path.join(tmp, 'libtfjs_pystub.so'));
  fs.writeFileSync(path.join(tmp, '.complete'), `${spec}\n${wheel}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return dir;
}

function requireTool(cmd, pkg) {
  if (!have(cmd)) throw new InstallError(`'${cmd}' is not on PATH; it is needed to build the TensorFlow binding.`, `apt-get install ${pkg}`);
}

function checkExportsCApi(lib) {
  requireTool('nm', 'binutils');
  const nm = run('nm', ['-D', '--defined-only', lib]);
  if (!/ T TFE_NewContext(@@\S+)?$/m.test(nm.stdout)) {
    throw new InstallError(`${path.basename(lib)} does not export TFE_NewContext: this wheel has no usable TensorFlow C API.`, 'report the wheel version; use ROBUSTLAB_TF_ROUTE=download instead.');
  }
  log(`${path.basename(lib)} exports the TensorFlow C API (TFE_NewContext found)`);
}

function buildPythonStub(lib, out) {
  requireTool('gcc', 'gcc');
  const nm = run('nm', ['-D', '--undefined-only', lib]);
  const syms = [...new Set(nm.stdout.split('\n').map((l) => l.trim().split(/\s+/).pop()?.replace(/@.*/, '') ?? '')
    .filter((s) => /^_?Py/.test(s)))].sort();
  const src = ['#include <stdlib.h>', '/* CPython symbols referenced by TensorFlow\'s Python glue; the C API never calls them. */',
    ...syms.map((s) => `void ${s}(void) { abort(); }`)].join('\n');
  const cFile = `${out}.c`;
  fs.writeFileSync(cFile, src);
  const cc = run('gcc', ['-shared', '-fPIC', '-O1', '-Wl,-soname,libtfjs_pystub.so', '-o', out, cFile]);
  if (cc.status !== 0) throw new InstallError(`gcc could not build the CPython stub: ${cc.stderr.trim()}`, 'apt-get install gcc');
  log(`built a stub for ${syms.length} CPython symbols`);
}

function installDeps(tfDir, libDir) {
  const deps = path.join(tfDir, 'deps');
  const lib = path.join(deps, 'lib');
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(lib, { recursive: true });
  fs.cpSync(path.join(libDir, 'tensorflow/include'), path.join(deps, 'include'), { recursive: true });
  fs.copyFileSync(path.join(libDir, 'tensorflow/python/_pywrap_tensorflow_internal.so'), path.join(lib, '_pywrap_tensorflow_internal.so'));
  fs.copyFileSync(path.join(libDir, 'tensorflow/libtensorflow_framework.so.2'), path.join(lib, 'libtensorflow_framework.so.2'));
  fs.copyFileSync(path.join(libDir, 'libtfjs_pystub.so'), path.join(lib, 'libtfjs_pystub.so'));
  fs.symlinkSync('libtensorflow_framework.so.2', path.join(lib, 'libtensorflow_framework.so'));
  // binding.gyp links -ltensorflow: a linker script makes that the wheel's library plus the stub.
  // Quoted, because ld's script lexer stops at the '@' of node_modules/@tensorflow.
  fs.writeFileSync(path.join(lib, 'libtensorflow.so'),
    `INPUT("${path.join(lib, '_pywrap_tensorflow_internal.so')}" "${path.join(lib, 'libtfjs_pystub.so')}")\n`);
  log(`filled ${deps}`);
}

function nodeGypScript() {
  const cands = [process.env.npm_config_node_gyp];
  try { cands.push(require.resolve('node-gyp/bin/node-gyp.js')); } catch { /* not a dependency */ }
  cands.push(path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  const found = cands.find((c) => c && fs.existsSync(c));
  if (!found) throw new InstallError('node-gyp was not found (neither npm\'s bundled copy nor a local one).', 'npm install -g node-gyp');
  return found;
}

function nodeHeadersDir() {
  const cands = [process.env.npm_config_nodedir, path.resolve(path.dirname(process.execPath), '..')];
  const found = cands.find((c) => c && fs.existsSync(path.join(c, 'include/node/node_api.h')));
  if (!found) {
    throw new InstallError('Node\'s C headers (include/node/node_api.h) are not installed, and nodejs.org cannot be reached to fetch them.', 'apt-get install libnode-dev (Debian) or install Node from a package that ships its headers; or set npm_config_nodedir.');
  }
  return found;
}

function buildBinding(tfDir) {
  requireTool('make', 'make');
  requireTool('g++', 'g++');
  const pkg = JSON.parse(fs.readFileSync(path.join(tfDir, 'package.json'), 'utf8'));
  const napi = Number(process.versions.napi);
  const version = Math.max(...pkg.binary.napi_versions.filter((v) => v <= napi));
  const modulePath = path.join(tfDir, 'lib', `napi-v${version}`);
  const args = [nodeGypScript(), 'rebuild', `--nodedir=${nodeHeadersDir()}`, `--module=${path.join(modulePath, 'tfjs_binding.node')}`,
    '--module_name=tfjs_binding', `--module_path=${modulePath}`, `--napi_version=${napi}`, '--node_abi_napi=napi',
    `--napi_build_version=${version}`, `--node_napi_label=napi-v${version}`];
  log(`building the N-API v${version} binding from tfjs-node's sources (node-gyp, headers from ${nodeHeadersDir()})`);
  const res = run(process.execPath, args, { cwd: tfDir, stdio: ['ignore', 'ignore', 'pipe'] });
  if (res.status !== 0) {
    throw new InstallError(`node-gyp failed to build tfjs_binding:\n${res.stderr.split('\n').filter((l) => /error|ERR/.test(l)).slice(0, 15).join('\n')}`, 'read the errors above; gcc, g++, make and python3 are needed.');
  }
}

async function main() {
  if (process.env.ROBUSTLAB_SKIP_NATIVE === '1') {
    log('ROBUSTLAB_SKIP_NATIVE=1: skipping; the engine will run on the slow pure-JS backend and say so.');
    return;
  }
  const tfDir = tfjsNodeDir();
  const before = nativeLoads();
  if (before.ok) {
    log('native backend already works (tensorflow): nothing to do');
    return;
  }
  const route = process.env.ROBUSTLAB_TF_ROUTE || 'auto';
  if (!['auto', 'download', 'wheel'].includes(route)) throw new InstallError(`ROBUSTLAB_TF_ROUTE=${route} is not a route.`, 'use auto, download or wheel.');
  if (route !== 'wheel') {
    const online = await reachable('https://storage.googleapis.com/');
    if (online) {
      log('storage.googleapis.com is reachable: running tfjs-node\'s own install (download of libtensorflow and addon)');
      run(process.execPath, ['scripts/install.js'], { cwd: tfDir, stdio: 'inherit', timeout: 20 * 60 * 1000 });
      if (nativeLoads().ok) { log('native backend ready (tfjs-node download route)'); return; }
      if (route === 'download') throw new InstallError('tfjs-node\'s own install did not produce a working binding.', 'see its output above, or use ROBUSTLAB_TF_ROUTE=wheel.');
      log('the download route did not give a working binding; trying the PyPI wheel route');
    } else if (route === 'download') {
      throw new InstallError('storage.googleapis.com is unreachable, so tfjs-node cannot download libtensorflow.', 'use ROBUSTLAB_TF_ROUTE=wheel (the default auto does this).');
    } else {
      log('storage.googleapis.com is unreachable: using the PyPI tensorflow-cpu wheel route');
    }
  }
  const { LIBTENSORFLOW_VERSION } = require(path.join(tfDir, 'scripts/deps-constants.js'));
  const libDir = prepareWheelLibrary(LIBTENSORFLOW_VERSION);
  installDeps(tfDir, libDir);
  buildBinding(tfDir);
  const after = nativeLoads();
  if (!after.ok) throw new InstallError(`the binding was built but does not load: ${after.detail}`, `delete ${libDir} and run \`npm run native\` again.`);
  log(`native backend ready: tensorflow (libtensorflow ${LIBTENSORFLOW_VERSION} from the tensorflow-cpu wheel)`);
}

main().catch((err) => {
  console.error(`[robustlab native] FAILED: ${err instanceof InstallError ? err.message : err.stack}`);
  console.error('[robustlab native] to install without the native backend (slow pure-JS fallback), set ROBUSTLAB_SKIP_NATIVE=1.');
  process.exit(1);
});
