// `robustlab list`: the stored runs. `--table`: the experiments table (one row per run, grouped by
// sweep, sortable, filterable, changed columns only); `--json`: its rows as JSON lines.
import { changedColumns, columnHeader, cellText, filterRows, PARAM_COLUMNS, pct, sortRows, TABLE_COLUMNS, type ColumnKey, type ExperimentRow } from '../../protocol';
import { UsageError } from '../errors';
import { defaultRunsRoot } from '../runs/layout';
import { listRuns } from '../runs/read';
import { experimentRows } from '../runs/table';
import { parseArgs } from './args';

export const LIST_USAGE = `  robustlab list [--runs-dir DIR] [--table | --json] [--sweep ID] [--filter "method=pgd robust>=50%"] [--sort COLUMN[:desc]] [--changed] [--headline-eps E]`;

const KINDS = Object.fromEntries(TABLE_COLUMNS.map((c) => [c.key, c.kind]));

/** Columns padded; numbers right-aligned. */
export function formatTable(keys: readonly ColumnKey[], rows: readonly ExperimentRow[]): string[] {
  const cells = [keys.map(columnHeader), ...rows.map((r) => keys.map((k) => cellText(r, k) || '—'))];
  const widths = keys.map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  const right = (k: ColumnKey) => KINDS[k] !== 'text';
  return cells.map((row, i) => {
    const line = row
      .map((cell, c) => (right(keys[c]) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
    return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
  });
}

export function listCommand(argv: string[]): number {
  const { flags, positionals } = parseArgs(argv, { 'runs-dir': 'string', json: 'bool', table: 'bool', sweep: 'string', filter: 'string', sort: 'string', changed: 'bool', 'headline-eps': 'number' });
  if (positionals.length) throw new UsageError(`list takes no arguments (got ${positionals.join(' ')}); use --runs-dir DIR`);
  const runs = listRuns((flags['runs-dir'] as string | undefined) ?? defaultRunsRoot(process.cwd()));
  if (!flags.table && !flags.json && !flags.sweep && !flags.filter && !flags.sort && !flags.changed) {
    for (const r of runs) {
      const s = r.summary;
      process.stdout.write(`${r.runId}  ${r.status.padEnd(9)}  ${s ? `clean ${pct(s.cleanAccuracy)}  worst ${s.worstCase.map((w) => `${pct(w.accuracy)}@${w.eps}`).join(' ')}` : ''}\n`);
    }
    return 0;
  }
  let rows = experimentRows(runs, { eps: flags['headline-eps'] as number | undefined });
  if (flags.sweep) rows = rows.filter((r) => r.sweep?.id === flags.sweep || r.sweep?.id.startsWith(flags.sweep as string));
  if (flags.filter) {
    const f = filterRows(rows, flags.filter as string);
    if (typeof f === 'string') throw new UsageError(`--filter: ${f}`);
    rows = f;
  }
  const [sortKey, dir] = ((flags.sort as string | undefined) ?? 'runId').split(':');
  const key = TABLE_COLUMNS.find((c) => c.key === sortKey || c.header === sortKey)?.key;
  if (!key) throw new UsageError(`--sort: unknown column '${sortKey}'; columns: ${TABLE_COLUMNS.map((c) => c.key).join(', ')}`);
  if (dir !== undefined && dir !== 'asc' && dir !== 'desc') throw new UsageError(`--sort ${sortKey}:${dir}: the direction is asc or desc`);
  rows = sortRows(rows, key, (dir as 'asc' | 'desc' | undefined) ?? 'asc');
  if (flags.json) {
    for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  }
  const changed = new Set(changedColumns(rows));
  const keys = TABLE_COLUMNS.map((c) => c.key).filter((k) => k !== 'sweep' && (!flags.changed || !PARAM_COLUMNS.includes(k) || changed.has(k)));
  // Grouped by sweep, each group in the chosen order; runs of no sweep last.
  const groups = new Map<string, ExperimentRow[]>();
  for (const r of rows) groups.set(r.sweep?.id ?? '', [...(groups.get(r.sweep?.id ?? '') ?? []), r]);
  const order = [...groups.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : b.localeCompare(a)));
  const out: string[] = [];
  for (const g of order) {
    const members = groups.get(g)!;
    out.push(g ? `sweep ${g} (${members.length} run${members.length === 1 ? '' : 's'})` : `runs outside a sweep (${members.length})`);
    out.push(...formatTable(keys, members).map((l) => `  ${l.replace(/\n/g, '\n  ')}`), '');
  }
  const robust = rows.find((r) => r.robustPoints !== undefined);
  out.push(
    `robust: each model's headline (per-example worst case over its stored evaluations${robust ? `, e.g. ${robust.robustAttacks.join(', ')} on ${robust.robustPoints} points` : ''}); gap: clean − robust on the same points.`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
