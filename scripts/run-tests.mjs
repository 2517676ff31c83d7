// Runs every test/**/*.test.ts with Node's test runner (TypeScript through tsx). Extra arguments
// filter by path substring: `node scripts/run-tests.mjs attacks`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const filters = process.argv.slice(2);
// test/helpers holds what tests share, never a test; e2e runs in a real VS Code (npm run test:e2e).
const skipDirs = new Set(['test/e2e', 'test/fixtures', 'test/helpers']);
function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return skipDirs.has(p.split(path.sep).join('/')) || e.name === 'node_modules' ? [] : walk(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}
const files = walk('test')
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
});
process.exit(res.status ?? 1);
