// `npm run gen`: writes the files generated from the catalogue and the experiment definition —
// schemas/advtrain.schema.json and the catalogue's settings in package.json. `--check` only reports
// (exit 1) when a committed file differs. test/scripts/generated.test.ts runs the same comparison.
import fs from 'node:fs';
import path from 'node:path';
import { generatedFiles } from './generated';

const root = path.resolve(__dirname, '..');
const check = process.argv.includes('--check');
let stale = 0;
for (const [rel, text] of Object.entries(generatedFiles(root))) {
  const file = path.join(root, rel);
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (old === text) continue;
  stale++;
  if (check) console.error(`${rel} is out of date: run npm run gen`);
  else {
    fs.writeFileSync(file, text);
    console.log(`wrote ${rel}`);
  }
}
if (!stale) console.log('generated files are up to date');
process.exit(check && stale ? 1 : 0);
