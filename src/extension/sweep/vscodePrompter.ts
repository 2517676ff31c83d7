// The sweep wizard's questions in VS Code: the wizards' quick picks plus a validated input box.
import * as vscode from 'vscode';
import { vscodePrompter } from '../wizard/vscodePrompter';
import type { SweepPrompter } from './wizard';

export const sweepPrompter: SweepPrompter = {
  ...vscodePrompter,
  text(s, q) {
    const box = vscode.window.createInputBox();
    box.title = s.title;
    box.step = s.step;
    box.totalSteps = s.totalSteps;
    box.ignoreFocusOut = true;
    box.value = q.value;
    box.prompt = q.prompt;
    box.placeholder = q.placeholder;
    return new Promise<string | undefined>((resolve) => {
      let done = false;
      const finish = (r: string | undefined) => {
        if (!done) {
          done = true;
          resolve(r);
          box.hide();
        }
      };
      box.onDidChangeValue((t) => {
        box.validationMessage = q.validate?.(t);
      });
      box.onDidAccept(() => {
        const problem = q.validate?.(box.value);
        if (problem) {
          box.validationMessage = problem;
          return;
        }
        finish(box.value);
      });
      box.onDidHide(() => {
        finish(undefined);
        box.dispose();
      });
      box.show();
    });
  },
};
