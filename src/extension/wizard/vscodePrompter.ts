// The wizards' questions as VS Code quick picks and input boxes, with VS Code's own step counter
// ("2/4" in the title bar; just "1" while the total is not known yet).
import * as vscode from 'vscode';
import { parseEpsList } from '../runner/args';
import type { Choice, NumberQuestion, Prompter, Step } from './prompter';

type Item<T extends string> = vscode.QuickPickItem & { value: T };

function show<R>(input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox, s: Step, wire: (resolve: (r: R | undefined) => void) => void): Promise<R | undefined> {
  input.title = s.title;
  input.step = s.step;
  input.totalSteps = s.totalSteps;
  input.ignoreFocusOut = true;
  return new Promise<R | undefined>((resolve) => {
    let done = false;
    const finish = (r: R | undefined) => {
      if (!done) {
        done = true;
        resolve(r);
        input.hide();
      }
    };
    wire(finish);
    input.onDidHide(() => {
      finish(undefined);
      input.dispose();
    });
    input.show();
  });
}

const parseNumber = (t: string) => {
  const f = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(t);
  return f ? Number(f[1]) / Number(f[2]) : Number(t);
};

export function numberProblem(text: string, q: NumberQuestion): string | undefined {
  if (!text.trim()) return q.allowEmpty ? undefined : 'Enter a number';
  const n = parseNumber(text);
  if (!Number.isFinite(n)) return 'Enter a number';
  if (q.integer && !Number.isInteger(n)) return 'Enter a whole number';
  return n < q.min || n > q.max ? `Between ${q.min} and ${q.max}` : undefined;
}

export const vscodePrompter: Prompter = {
  pick<T extends string>(s: Step, items: Choice<T>[], active?: T) {
    const qp = vscode.window.createQuickPick<Item<T>>();
    qp.items = items.map((c) => ({ label: c.label, description: c.description, detail: c.detail, value: c.value }));
    qp.activeItems = qp.items.filter((i) => i.value === active);
    return show<T>(qp, s, (finish) => qp.onDidAccept(() => finish(qp.selectedItems[0]?.value)));
  },
  pickMany<T extends string>(s: Step, items: Choice<T>[]) {
    const qp = vscode.window.createQuickPick<Item<T>>();
    qp.canSelectMany = true;
    qp.items = items.map((c) => ({ label: c.label, description: c.description, detail: c.detail, value: c.value }));
    qp.selectedItems = qp.items.filter((i) => items.find((c) => c.value === i.value)?.picked);
    return show<T[]>(qp, s, (finish) => qp.onDidAccept(() => finish(qp.selectedItems.map((i) => i.value))));
  },
  number(s: Step, q: NumberQuestion) {
    const box = vscode.window.createInputBox();
    box.value = q.value;
    box.prompt = q.prompt;
    box.placeholder = q.allowEmpty ? "empty: the method's own loss" : undefined;
    return show<number | null>(box, s, (finish) => {
      box.onDidChangeValue((t) => {
        box.validationMessage = numberProblem(t, q);
      });
      box.onDidAccept(() => {
        const problem = numberProblem(box.value, q);
        if (problem) {
          box.validationMessage = problem;
          return;
        }
        finish(box.value.trim() ? parseNumber(box.value) : null);
      });
    });
  },
  epsList(s: Step, q) {
    const box = vscode.window.createInputBox();
    box.value = q.value;
    box.prompt = q.norm === 'linf' ? 'Comma-separated, in the data range [0,1]; fractions like 8/255 work' : 'Comma-separated L2 radii (the length of the whole perturbation)';
    return show<number[]>(box, s, (finish) => {
      box.onDidChangeValue((t) => {
        const r = parseEpsList(t, q.norm);
        box.validationMessage = typeof r === 'string' ? r : undefined;
      });
      box.onDidAccept(() => {
        const r = parseEpsList(box.value, q.norm);
        if (typeof r === 'string') {
          box.validationMessage = r;
          return;
        }
        finish(r);
      });
    });
  },
};
