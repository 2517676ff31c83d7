// What a finished run's notification says. Pure: unit-tested.
import type { RunOutcome } from './engineRun';

/**
 * A failed run's notification: its message once. Bad input names the file and the problem already;
 * a crash adds the last log lines that do not repeat it (the engine reports an error both as an
 * event and on stderr).
 */
export function notificationText(outcome: Pick<RunOutcome, 'status' | 'message' | 'lastLog'>): string {
  if (outcome.status === 'bad-input') return outcome.message;
  const said = (line: string) => {
    const m = /^(?:engine error \([^)]*\): |error: |internal error: )(.*)$/.exec(line);
    return !!m && outcome.message.includes(m[1].split('\n')[0]);
  };
  const tail = outcome.lastLog
    .filter((l) => !said(l))
    .slice(-5)
    .join('\n');
  return `${outcome.message}${tail ? `\n\nLast log lines:\n${tail}` : ''}`;
}
