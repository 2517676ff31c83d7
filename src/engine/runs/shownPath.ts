// Reports are read away from the machine that wrote them (committed, attached to a review): a path
// inside the workspace is shown relative to it (`models/mnist/model.json`, not the author's home
// folder); one outside stays absolute. The stored config keeps the absolute paths it ran with.
import path from 'node:path';

/** The workspace holding a run or sweep folder (<workspace>/.robustlab/<runs|sweeps>/<id>), if it is one. */
export function workspaceOf(dir: string): string | undefined {
  const abs = path.resolve(dir);
  const store = path.dirname(path.dirname(abs));
  return path.basename(store) === '.robustlab' ? path.dirname(store) : undefined;
}

export function shownPath(p: string, workspace: string | undefined): string {
  if (!workspace || !path.isAbsolute(p)) return p;
  const rel = path.relative(workspace, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
