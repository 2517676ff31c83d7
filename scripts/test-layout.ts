// `npm run test:layout`: test/ mirrors the source tree, so a module's tests are found by its path:
// test/X/Y.test.ts or test/X/Y.<aspect>.test.ts tests src/X/Y.ts (test/webview/Y -> webview/Y.ts,
// test/scripts/Y -> scripts/Y.ts or .mjs). A test file without that twin fails the check, by name,
// since it is either misplaced or left behind by a rename. Sources without a test are only counted.
// `--list` names them too. test/e2e and test/faults test the product end to end, not a module.
import fs from 'node:fs';
import path from 'node:path';

const NOT_MIRRORED = ['test/e2e', 'test/faults', 'test/helpers', 'test/fixtures'];

function walk(root: string, dir: string, keep: (rel: string) => boolean, skip: string[] = []): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return skip.includes(rel) || e.name === 'node_modules' ? [] : walk(root, rel, keep, skip);
    return keep(rel) ? [rel] : [];
  });
}

/** Every mirrored test file, as a path relative to root with '/' separators. */
export function testFiles(root: string): string[] {
  return walk(root, 'test', (rel) => rel.endsWith('.test.ts'), NOT_MIRRORED).sort();
}

/** The source module a test file mirrors: test/X/Y[.aspect].test.ts -> X/Y, without its extension. */
export function twinStem(testFile: string): string {
  const rel = testFile.replace(/^test\//, '').replace(/\.test\.ts$/, '');
  const dir = path.posix.dirname(rel);
  const module = path.posix.basename(rel).split('.')[0];
  return dir === '.' ? module : `${dir}/${module}`;
}

function twinCandidates(stem: string): string[] {
  if (stem.startsWith('webview/')) return [`${stem}.ts`];
  if (stem.startsWith('scripts/')) return [`${stem}.ts`, `${stem}.mjs`];
  return [`src/${stem}.ts`];
}

/** Test files whose source twin does not exist. */
export function orphanTests(root: string): string[] {
  return testFiles(root).filter((t) => !twinCandidates(twinStem(t)).some((c) => fs.existsSync(path.join(root, c))));
}

/** Source files (src/ and webview/) that no test file mirrors. */
export function untestedSources(root: string): string[] {
  const tested = new Set(testFiles(root).flatMap((t) => twinCandidates(twinStem(t))));
  const sources = [...walk(root, 'src', (rel) => rel.endsWith('.ts')), ...walk(root, 'webview', (rel) => rel.endsWith('.ts'))];
  return sources.filter((s) => !tested.has(s)).sort();
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const root = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(__dirname, '..'));
  const orphans = orphanTests(root);
  const untested = untestedSources(root);
  for (const t of orphans) console.error(`${t}: no source twin (expected ${twinCandidates(twinStem(t)).join(' or ')})`);
  if (args.includes('--list')) for (const s of untested) console.log(`untested: ${s}`);
  console.log(`test layout: ${testFiles(root).length} test files, ${orphans.length} without a source twin; ${untested.length} source files without a test`);
  process.exit(orphans.length ? 1 : 0);
}
