#!/usr/bin/env node
// Makes @tensorflow/tfjs-node's native binding work, also where Google's storage is unreachable.
//
// Route 1 (a normal machine): tfjs-node's own install script downloads libtensorflow and the addon.
// Route 2 (firewalled machines, mirrors, our CI): the C library is taken from PyPI's tensorflow-cpu
// wheel of the same TensorFlow version, and the binding is built from the sources tfjs-node ships.
// The wheel's library also carries TensorFlow's Python glue, so it references CPython symbols; a
// generated stub library satisfies them (they are never called through the C API).
//
// Everything downloaded is pinned by sha256 (PINS below) and checked again whenever a cached copy
// is used: the tensorflow-cpu wheel and the two libraries taken out of it, and libtensorflow's
// tarball on the download route (whose binding is then built from tfjs-node's sources, so no
// unverified prebuilt addon is fetched). Platforms without pins fall back to tfjs-node's own
// install script and say that it is not verified.
//
// Environment: ROBUSTLAB_TF_ROUTE=auto|download|wheel, ROBUSTLAB_SKIP_NATIVE=1, ROBUSTLAB_CACHE=dir.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import https from 'node:https';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(projectRoot, 'package.json'));
const log = (msg) => console.log(`[robustlab native] ${msg}`);

/**
 * sha256 of what is downloaded, per libtensorflow version. The wheel's hash is PyPI's own (its
 * simple index, https://pypi.org/simple/tensorflow-cpu/, and the file itself agree); the two
 * libraries' hashes were taken from that verified wheel; libtensorflow's tarball hash is the one
 * pinned independently by wamuir/graft, nixpkgs and others for the same URL.
 */
export const PINS = {
  '2.9.1': {
    wheel: { file: 'tensorflow_cpu-2.9.1-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', bytes: 207453921, sha256: '6666ddeae45e1f41da788cb4bdea3435aba16edb0bc17b7ac00631c7c9eb052e' },
    wheelLibs: {
      'tensorflow/python/_pywrap_tensorflow_internal.so': 'd6242a2e61577b51eeaf6e08939398c601e01d716f6c2e0506ee72843742c40f',
      'tensorflow/libtensorflow_framework.so.2': '7a5c2c368ce9996e81f56f96ef292ba3ea6d6955413f2a801df06d634bb2932c',
    },
    libtensorflow: { 'linux-x64': { file: 'libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz', maxBytes: 400 << 20, sha256: '7f510d2546e3db5e10b1d119463689003d587842892ad3c95bca51cf82820173' } },
  },
};

export function sha256File(file) {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/** Throws unless file's sha256 is `expected`; `what` names it in the error. */
export function checkSha256(file, expected, what) {
  const got = sha256File(file);
  if (got !== expected) {
    throw new InstallError(
      `${what} (${file}) has sha256 ${got}, not the pinned ${expected}: a corrupted or tampered download.`,
      `delete ${file} and run \`npm run native\` again; if it persists, the mirror serves other bytes than PyPI/Google.`,
    );
  }
}

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
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** https only (plain http to a loopback test mirror alone), at most maxBytes, via a .part file. */
function fetchTo(url, dest, maxBytes, redirects = 5) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const local = u.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(u.hostname);
    if (u.protocol !== 'https:' && !local) return reject(new InstallError(`refusing to download ${url}: not https.`, 'use an https mirror.'));
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.get(url, { timeout: 60_000 }, (res) => {
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && redirects > 0) {
        res.resume();
        return resolve(fetchTo(new URL(res.headers.location, url).toString(), dest, maxBytes, redirects - 1));
      }
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new InstallError(`HTTP ${res.statusCode} for ${url}.`, 'check the network or the mirror.'));
      }
      if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
        res.destroy();
        return reject(new InstallError(`${url} announces more than ${maxBytes} bytes.`, 'check the mirror.'));
      }
      const part = `${dest}.part-${process.pid}`;
      const out = fs.createWriteStream(part);
      let n = 0;
      const fail = (err) => {
        res.destroy();
        out.destroy();
        fs.rmSync(part, { force: true });
        reject(err);
      };
      res.on('data', (c) => {
        n += c.length;
        if (n > maxBytes) fail(new InstallError(`${url} sent more than ${maxBytes} bytes.`, 'check the mirror.'));
      });
      res.on('error', fail);
      out.on('error', fail);
      out.on('finish', () => {
        fs.renameSync(part, dest);
        resolve();
      });
      res.pipe(out);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out fetching ${url}`)));
    req.on('error', (err) => reject(err));
  });
}

/**
 * The download route, verified: libtensorflow's tarball (pinned sha256, also checked when cached)
 * unpacked into tfjs-node's deps/, and the binding built from tfjs-node's sources (no prebuilt
 * addon is downloaded, since nothing pins its hash). Platforms without a pin run tfjs-node's own
 * install script, unverified, and say so.
 */
async function downloadRoute(tfDir, tfVersion) {
  const pin = PINS[tfVersion]?.libtensorflow?.[`${process.platform}-${process.arch}`];
  if (!pin) {
    log(`no pinned sha256 for libtensorflow ${tfVersion} on ${process.platform}-${process.arch}: running tfjs-node's own install script, whose downloads are NOT verified`);
    run(process.execPath, ['scripts/install.js'], { cwd: tfDir, stdio: 'inherit', timeout: 20 * 60 * 1000 });
    return;
  }
  const dir = path.join(cacheRoot(), `libtensorflow-${tfVersion}-download`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, pin.file);
  if (fs.existsSync(file) && sha256File(file) !== pin.sha256) {
    log(`the cached ${pin.file} does not have the pinned sha256: downloading it again`);
    fs.rmSync(file, { force: true });
  }
  if (!fs.existsSync(file)) {
    const base = process.env.ROBUSTLAB_LIBTENSORFLOW_MIRROR || 'https://storage.googleapis.com/tensorflow/libtensorflow/';
    log(`downloading ${base}${pin.file}`);
    await fetchTo(new URL(pin.file, base).toString(), file, pin.maxBytes);
  }
  checkSha256(file, pin.sha256, `libtensorflow ${tfVersion}`);
  log(`${pin.file}: sha256 matches the pin (${pin.sha256.slice(0, 12)}…)`);
  const deps = path.join(tfDir, 'deps');
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(deps, { recursive: true });
  const tar = run('tar', ['-xzf', file, '-C', deps]);
  if (tar.status !== 0) throw new InstallError(`could not unpack ${file}: ${tar.stderr.trim()}`, `delete ${file} and run again.`);
  buildBinding(tfDir);
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
  throw new InstallError(
    'python3 with pip is needed to fetch the tensorflow-cpu wheel from PyPI.',
    'apt-get install python3-pip (or set ROBUSTLAB_TF_ROUTE=download on a machine that reaches storage.googleapis.com).',
  );
}

function wheelPlatform() {
  if (process.platform === 'linux' && process.arch === 'x64') return 'manylinux2014_x86_64';
  throw new InstallError(
    `the PyPI route supports linux-x64 only, this is ${process.platform}-${process.arch}.`,
    "use tfjs-node's ordinary download (ROBUSTLAB_TF_ROUTE=download) or point TFJS_NODE_BASE_URI at a libtensorflow mirror.",
  );
}

const WHEEL_MEMBERS = [
  'tensorflow/libtensorflow_framework.so.2',
  'tensorflow/python/_pywrap_tensorflow_internal.so',
  'tensorflow/include/tensorflow/c/',
  'tensorflow/include/tensorflow/core/platform/',
];

/** Downloads (pip caches it) and unpacks the C library and headers once into the cache. */
function pinsFor(tfVersion) {
  const pins = PINS[tfVersion];
  if (!pins)
    throw new InstallError(
      `no pinned hashes for libtensorflow ${tfVersion} (tfjs-node changed its LIBTENSORFLOW_VERSION).`,
      "add the new version's sha256 to PINS in scripts/install-native.mjs (from PyPI's simple index) before installing it.",
    );
  return pins;
}

/** The cached, unpacked libraries still have their pinned hashes. */
function cachedLibsIntact(dir, pins) {
  for (const [rel, sha] of Object.entries(pins.wheelLibs)) {
    const f = path.join(dir, rel);
    if (!fs.existsSync(f) || sha256File(f) !== sha) return `${rel} differs from its pinned sha256`;
  }
  return undefined;
}

export function prepareWheelLibrary(tfVersion) {
  const pins = pinsFor(tfVersion);
  const dir = path.join(cacheRoot(), `libtensorflow-${tfVersion}-cpu-wheel`);
  if (fs.existsSync(path.join(dir, '.complete'))) {
    const bad = cachedLibsIntact(dir, pins);
    if (!bad) {
      log(`using cached libtensorflow ${tfVersion} from ${dir} (sha256 of both libraries checked)`);
      return dir;
    }
    log(`the cached libtensorflow in ${dir} is not what was pinned (${bad}): unpacking it again`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const python = findPython();
  const wheels = path.join(cacheRoot(), 'wheels');
  fs.mkdirSync(wheels, { recursive: true });
  const spec = `tensorflow-cpu==${tfVersion}`;
  const wheel = pins.wheel.file;
  const wheelPath = path.join(wheels, wheel);
  // A cached wheel is used only if it still has the pinned hash.
  if (fs.existsSync(wheelPath) && sha256File(wheelPath) !== pins.wheel.sha256) {
    log(`the cached ${wheel} does not have the pinned sha256: downloading it again`);
    fs.rmSync(wheelPath, { force: true });
  }
  if (!fs.existsSync(wheelPath)) {
    log(`downloading ${spec} (about 210 MB) from PyPI into ${wheels}`);
    // The wheel is only unpacked, never imported, so any CPython tag with this TF version will do.
    const pip = run(
      python,
      ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--python-version', '3.10', '--platform', wheelPlatform(), '--platform', 'manylinux2010_x86_64', spec, '-d', wheels],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (pip.status !== 0) {
      throw new InstallError(`pip could not download ${spec} (exit ${pip.status}).`, 'check that PyPI is reachable (pip config list), or set ROBUSTLAB_TF_ROUTE=download.');
    }
    if (!fs.existsSync(wheelPath)) throw new InstallError(`pip did not download the pinned wheel ${wheel} into ${wheels}.`, `delete ${wheels} and run again.`);
  }
  checkSha256(wheelPath, pins.wheel.sha256, `the ${spec} wheel`);
  log(`${wheel}: sha256 matches the pin (${pins.wheel.sha256.slice(0, 12)}…)`);
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  log(`unpacking the C library and headers from ${wheel}`);
  const unzip = run(python, [
    '-c',
    [
      'import sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'want = sys.argv[3:]',
      'names = [n for n in z.namelist() if any(n == w or (w.endswith("/") and n.startswith(w)) for w in want)]',
      'z.extractall(sys.argv[2], names)',
      'print(len(names))',
    ].join('\n'),
    path.join(wheels, wheel),
    tmp,
    ...WHEEL_MEMBERS,
  ]);
  if (unzip.status !== 0) throw new InstallError(`could not unpack ${wheel}: ${unzip.stderr.trim()}`, `delete ${path.join(wheels, wheel)} and run again.`);
  for (const [rel, sha] of Object.entries(pins.wheelLibs)) checkSha256(path.join(tmp, rel), sha, `${rel} from the wheel`);
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
  const syms = [
    ...new Set(
      nm.stdout
        .split('\n')
        .map((l) => l.trim().split(/\s+/).pop()?.replace(/@.*/, '') ?? '')
        .filter((s) => /^_?Py/.test(s)),
    ),
  ].sort();
  const src = ['#include <stdlib.h>', "/* CPython symbols referenced by TensorFlow's Python glue; the C API never calls them. */", ...syms.map((s) => `void ${s}(void) { abort(); }`)].join('\n');
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
  fs.writeFileSync(path.join(lib, 'libtensorflow.so'), `INPUT("${path.join(lib, '_pywrap_tensorflow_internal.so')}" "${path.join(lib, 'libtfjs_pystub.so')}")\n`);
  log(`filled ${deps}`);
}

function nodeGypScript() {
  const cands = [process.env.npm_config_node_gyp];
  try {
    cands.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    /* not a dependency */
  }
  cands.push(path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  const found = cands.find((c) => c && fs.existsSync(c));
  if (!found) throw new InstallError("node-gyp was not found (neither npm's bundled copy nor a local one).", 'npm install -g node-gyp');
  return found;
}

function nodeHeadersDir() {
  const cands = [process.env.npm_config_nodedir, path.resolve(path.dirname(process.execPath), '..')];
  const found = cands.find((c) => c && fs.existsSync(path.join(c, 'include/node/node_api.h')));
  if (!found) {
    throw new InstallError(
      "Node's C headers (include/node/node_api.h) are not installed, and nodejs.org cannot be reached to fetch them.",
      'apt-get install libnode-dev (Debian) or install Node from a package that ships its headers; or set npm_config_nodedir.',
    );
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
  const args = [
    nodeGypScript(),
    'rebuild',
    `--nodedir=${nodeHeadersDir()}`,
    `--module=${path.join(modulePath, 'tfjs_binding.node')}`,
    '--module_name=tfjs_binding',
    `--module_path=${modulePath}`,
    `--napi_version=${napi}`,
    '--node_abi_napi=napi',
    `--napi_build_version=${version}`,
    `--node_napi_label=napi-v${version}`,
  ];
  log(`building the N-API v${version} binding from tfjs-node's sources (node-gyp, headers from ${nodeHeadersDir()})`);
  const res = run(process.execPath, args, { cwd: tfDir, stdio: ['ignore', 'ignore', 'pipe'] });
  if (res.status !== 0) {
    throw new InstallError(
      `node-gyp failed to build tfjs_binding:\n${res.stderr
        .split('\n')
        .filter((l) => /error|ERR/.test(l))
        .slice(0, 15)
        .join('\n')}`,
      'read the errors above; gcc, g++, make and python3 are needed.',
    );
  }
}

async function main() {
  if (process.env.ROBUSTLAB_SKIP_NATIVE === '1') {
    log('ROBUSTLAB_SKIP_NATIVE=1: skipping; the engine will run on the slow pure-JS backend and say so.');
    return;
  }
  const tfDir = tfjsNodeDir();
  const before = nativeLoads();
  // A wheel-route install in node_modules is checked against the pins too, not only the cache.
  const installed = path.join(tfDir, 'deps', 'lib', '_pywrap_tensorflow_internal.so');
  const { LIBTENSORFLOW_VERSION: installedVersion } = require(path.join(tfDir, 'scripts/deps-constants.js'));
  const tampered = before.ok && fs.existsSync(installed) && PINS[installedVersion] && sha256File(installed) !== PINS[installedVersion].wheelLibs['tensorflow/python/_pywrap_tensorflow_internal.so'];
  if (tampered) log(`${installed} is not the pinned library: installing again`);
  if (before.ok && !tampered) {
    log('native backend already works (tensorflow): nothing to do');
    return;
  }
  const route = process.env.ROBUSTLAB_TF_ROUTE || 'auto';
  if (!['auto', 'download', 'wheel'].includes(route)) throw new InstallError(`ROBUSTLAB_TF_ROUTE=${route} is not a route.`, 'use auto, download or wheel.');
  if (route !== 'wheel') {
    const online = await reachable('https://storage.googleapis.com/');
    if (online) {
      log('storage.googleapis.com is reachable: downloading libtensorflow (pinned sha256) and building the binding');
      const { LIBTENSORFLOW_VERSION: v } = require(path.join(tfDir, 'scripts/deps-constants.js'));
      try {
        await downloadRoute(tfDir, v);
      } catch (err) {
        if (route === 'download' || (err instanceof InstallError && /sha256/.test(err.message))) throw err;
        log(`the download route failed (${err.message.split('\n')[0]})`);
      }
      if (nativeLoads().ok) {
        log('native backend ready (download route)');
        return;
      }
      if (route === 'download') throw new InstallError("tfjs-node's own install did not produce a working binding.", 'see its output above, or use ROBUSTLAB_TF_ROUTE=wheel.');
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

// Run as a script (npm install, npm run native); tests import PINS and the hash helpers.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main().catch((err) => {
    console.error(`[robustlab native] FAILED: ${err instanceof InstallError ? err.message : err.stack}`);
    console.error('[robustlab native] to install without the native backend (slow pure-JS fallback), set ROBUSTLAB_SKIP_NATIVE=1.');
    process.exit(1);
  });
