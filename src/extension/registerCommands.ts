// Every command runs through one wrapper: an error is logged with its stack and shown once, and never
// escapes into VS Code's generic "command failed" dialog.
import * as vscode from 'vscode';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command takes its own VS Code arguments
export type CommandHandler = (...args: any[]) => unknown;

export function registerCommands(log: vscode.LogOutputChannel, commands: [id: string, handler: CommandHandler][]): vscode.Disposable[] {
  return commands.map(([id, f]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await f(...args);
      } catch (err) {
        log.error(`${id}: ${(err as Error).stack ?? String(err)}`);
        void vscode.window.showErrorMessage(`Robustness Lab: ${(err as Error).message}`);
        return undefined;
      }
    }),
  );
}
