#!/usr/bin/env bash
# Installs code-server (VS Code's server + web workbench) from the npm registry into a cache folder
# outside the repo, so the e2e tests can run a REAL VS Code where VS Code's download server is
# unreachable. Idempotent: a finished install leaves a stamp file and the next call returns at once.
#   CS_CACHE   where to install (default ~/.cache/robustlab/code-server-$CS_VERSION)
#   CS_VERSION code-server version (default 4.96.4 = VS Code 1.96.4, Node 20)
set -euo pipefail
CS_VERSION=${CS_VERSION:-4.96.4}
CS_CACHE=${CS_CACHE:-$HOME/.cache/robustlab/code-server-$CS_VERSION}
STAMP=$CS_CACHE/.robustlab-setup-ok
CSP=$CS_CACHE/node_modules/code-server
VS=$CSP/lib/vscode
JOBS=$(nproc)
t0=$(date +%s)
step() { echo "[e2e setup $(( $(date +%s) - t0 ))s] $*"; }

need_apt=()
command -v rg >/dev/null || need_apt+=(ripgrep)
command -v chromium >/dev/null || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "apt-get install ${need_apt[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$CS_VERSION" ]; then
  step "code-server $CS_VERSION already set up in $CS_CACHE"
  exit 0
fi

NODE_GYP="$(npm root -g 2>/dev/null)/npm/node_modules/node-gyp/bin/node-gyp.js"
[ -f "$NODE_GYP" ] || { echo "node-gyp not found at $NODE_GYP (it ships with npm)"; exit 2; }
NODEDIR=/usr
[ -f /usr/include/node/node.h ] || { echo "Node headers missing in /usr/include/node"; exit 2; }
export npm_config_nodedir=$NODEDIR
LOGS=$CS_CACHE/logs

step "1. code-server@$CS_VERSION from npm (its postinstall would fetch a GitHub dependency: skipped)"
rm -rf "$CS_CACHE"; mkdir -p "$CS_CACHE" "$LOGS"; cd "$CS_CACHE"
echo '{"name":"robustlab-code-server-host","private":true}' > package.json
npm install --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION"

step "2. argon2 (required at load) built from source"
( cd node_modules/argon2 && node ../@mapbox/node-pre-gyp/bin/node-pre-gyp rebuild --nodedir=$NODEDIR -j "$JOBS" >"$LOGS/argon2.log" 2>&1 )

step "3. @vscode/proxy-agent from the registry instead of GitHub"
INTEG=$(npm view @vscode/proxy-agent@0.27.0 dist.integrity)
node -e '
const fs=require("fs"), f=process.argv[1], j=JSON.parse(fs.readFileSync(f,"utf8"));
const p=j.packages["node_modules/@vscode/proxy-agent"];
p.resolved="https://registry.npmjs.org/@vscode/proxy-agent/-/proxy-agent-0.27.0.tgz";
p.integrity=process.argv[2];
fs.writeFileSync(f, JSON.stringify(j,null,2));' "$VS/npm-shrinkwrap.json" "$INTEG"

step "4. VS Code server runtime dependencies"
( cd "$VS" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error )

step "5. native addons of the server"
for m in node-pty @vscode/spdlog native-watchdog @parcel/watcher @vscode/deviceid; do
  ( cd "$VS/node_modules/$m" && node "$NODE_GYP" rebuild --nodedir=$NODEDIR -j "$JOBS" >"$LOGS/gyp-${m//\//_}.log" 2>&1 )
done

step "6. Debian's ripgrep where @vscode/ripgrep expects its binary; code-server's postinstall links"
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"
( cd "$VS" && ln -sfn node_modules node_modules.asar )
( cd "$VS/bin/remote-cli" && ln -sf code-linux.sh code-server )
( cd "$VS/bin/helpers" && ln -sf browser-linux.sh browser.sh )

step "7. built-in extensions' shared dependency"
( cd "$VS/extensions" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error && node postinstall.mjs >/dev/null )

echo "$CS_VERSION" > "$STAMP"
step "done: $CSP"
