#!/usr/bin/env bash
# End-to-end tests in a REAL VS Code: code-server (VS Code 1.96 server + web workbench, from npm)
# driven by playwright-core and Debian's Chromium. `npm run test:e2e`.
# ROBUSTLAB_E2E_RUNTIME=1 also installs the engine runtime into the packaged extension's global
# storage and trains with it (minutes: npm install of TensorFlow.js + the native library).
#   - sets up code-server once into ~/.cache/robustlab (test/e2e/setup-code-server.sh, cached)
#   - builds the extension, makes a fresh profile and workspace under test-output/e2e
#   - loads the extension from this repo and runs test/e2e/ext-tests inside the extension host
#   - UI smoke through the command palette; screenshots in test-output/e2e-screenshots
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CS_VERSION=${CS_VERSION:-4.96.4}
export CS_CACHE=${CS_CACHE:-$HOME/.cache/robustlab/code-server-$CS_VERSION}
CSP=$CS_CACHE/node_modules/code-server
export REPO RUN=$REPO/test-output/e2e PORT=${PORT:-18437} SHOTS=$REPO/test-output/e2e-screenshots
export ROBUSTLAB_E2E_OUT=$RUN ROBUSTLAB_E2E_WS=$RUN/ws
t0=$(date +%s)
say() { echo "[e2e $(( $(date +%s) - t0 ))s] $*"; }

bash "$REPO/test/e2e/setup-code-server.sh"
say "build"
( cd "$REPO" && node scripts/build.mjs >/dev/null )

rm -rf "$RUN" "$SHOTS"; mkdir -p "$RUN"/{ud/User,exts,xdg-config,xdg-data,ws} "$SHOTS"
# The export test decodes the chart files it checks with the extension's PNG decoder (unit-tested).
( cd "$REPO" && npx esbuild src/extension/reports/png.ts --bundle --platform=node --format=cjs --log-level=warning --outfile="$RUN/png-decode.js" )
cat > "$RUN/ud/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "workbench.enableExperiments": false,
  "git.openRepositoryInParentFolders": "never"
}
JSON
# tiny: trained enough (ε=0.1) to have robust points left, so the headline checks are not all at 0%.
echo '{"model":"cnn-small","data":"mnist-sample","method":"fgsm","eps":0.1,"epochs":2,"trainSize":512,"testSize":128}' > "$RUN/ws/tiny.advtrain.json"
echo '{"model":"cnn-small","data":"mnist-sample","method":"fgsm","eps":0.3,"epochs":50,"trainSize":512,"testSize":128}' > "$RUN/ws/long.advtrain.json"
cp "$RUN/ws/long.advtrain.json" "$RUN/ws/ui.advtrain.json"
# sweep: the 2-point λ sweep of the host tests, and the palette's Sweep λ in the UI phase.
echo '{"model":"cnn-small","data":"mnist-sample","method":"fgsm","eps":0.1,"epochs":1,"trainSize":256,"testSize":64}' > "$RUN/ws/sweep.advtrain.json"
# Quick training, a long final evaluation: Stop Run lands in the evaluation.
echo '{"model":"cnn-small","data":"mnist-sample","method":"fgsm","eps":0.3,"epochs":1,"trainSize":256,"testSize":1000,"eval":{"attacks":["fgsm","pgd"],"eps":[0.1,0.2,0.3],"steps":20,"testPoints":1000}}' > "$RUN/ws/evalstop.advtrain.json"
cp "$RUN/ws/tiny.advtrain.json" "$RUN/ws/vsix.advtrain.json"
printf '{\n  "method": "madry",\n  "eps": 3\n}\n' > "$RUN/ws/bad.advtrain.json"

say "package the .vsix and install it into the fresh profile"
( cd "$REPO" && npx vsce package --no-dependencies --allow-missing-repository --no-rewrite-relative-links --skip-license -o "$RUN/robustness-lab.vsix" </dev/null >"$RUN/vsce.log" 2>&1 ) || { cat "$RUN/vsce.log"; exit 1; }
XDG_CONFIG_HOME=$RUN/xdg-config XDG_DATA_HOME=$RUN/xdg-data node "$CSP/out/node/entry.js" --config "$RUN/config.yaml" \
  --user-data-dir "$RUN/ud" --extensions-dir "$RUN/exts" --install-extension "$RUN/robustness-lab.vsix" >"$RUN/install.log" 2>&1 \
  && export VSIX_INSTALLED=1 || { echo "could not install the .vsix:"; cat "$RUN/install.log"; }

say "start code-server $CS_VERSION on 127.0.0.1:$PORT"
XDG_CONFIG_HOME=$RUN/xdg-config XDG_DATA_HOME=$RUN/xdg-data setsid node "$CSP/out/node/entry.js" --config "$RUN/config.yaml" --auth none \
  --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --user-data-dir "$RUN/ud" --extensions-dir "$RUN/exts" "$RUN/ws" >"$RUN/code-server.log" 2>&1 &
CS_PID=$!
cleanup() {
  kill -- "-$CS_PID" 2>/dev/null || true
  sleep 1
  kill -9 -- "-$CS_PID" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 150); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break; sleep 0.2; done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" || { echo "code-server did not start"; tail -20 "$RUN/code-server.log"; exit 1; }

say "run tests"
rc=0
( cd "$REPO" && node test/e2e/e2e.mjs ) || rc=$?
say "done (exit $rc); logs: $RUN/code-server.log, $RUN/ext-tests.log; screenshots: $SHOTS"
ls "$SHOTS"
exit $rc
