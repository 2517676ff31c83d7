// Which run folders a restored dashboard panel may show. Its webview state comes back from the
// webview (a page the host does not control), so it is only a wish list: a folder is kept when it
// exists, holds a run (config.json), and its real path lies under the real path of a runs root the
// workspace knows. No `vscode` import: unit-tested in plain Node.
import fs from 'node:fs';
import path from 'node:path';
import { isPathInside } from './messages';

export function restorableRunDirs(wanted: readonly string[], runsRoots: readonly string[]): { kept: string[]; refused: string[] } {
  const roots = runsRoots.flatMap((r) => {
    try {
      return [fs.realpathSync(r)];
    } catch {
      return [];
    }
  });
  const kept: string[] = [];
  const refused: string[] = [];
  for (const dir of wanted) {
    let real: string | undefined;
    try {
      real = fs.realpathSync(dir);
      if (!fs.statSync(real).isDirectory() || !fs.statSync(path.join(real, 'config.json')).isFile()) real = undefined;
    } catch {
      real = undefined;
    }
    if (real && roots.some((r) => isPathInside(real, r) && real !== r)) kept.push(path.resolve(dir));
    else refused.push(dir);
  }
  return { kept, refused };
}
