// Mocha wrapper of index.js's run() for @vscode/test-cli (.vscode-test.mjs), on machines that
// can download VS Code. Not used by `npm run test:e2e` (code-server calls run() directly).
'use strict';
const fs = require('fs');
const path = require('path');
const { run } = require('./index.js');

describe('Robustness Lab in a desktop VS Code', function () {
  this.timeout(600000);
  it('extension-host tests pass', async () => {
    await run();
    const res = JSON.parse(fs.readFileSync(path.join(process.env.ROBUSTLAB_E2E_OUT, 'ext-tests-result.json'), 'utf8'));
    const failed = res.results.filter((r) => !r.ok);
    if (!res.results.length || failed.length) throw new Error(failed.map((f) => `${f.name}: ${f.err}`).join('\n') || 'no results');
  });
});
