// What the wizards ask through: quick picks and input boxes, each with its step number. The VS Code
// implementation is vscodePrompter.ts; tests script the answers. Pure: no vscode import.
import type { Norm } from '../../protocol';

export interface Step {
  title: string;
  /** 1-based, among the steps this wizard actually shows. */
  step: number;
  /** Unknown while a later answer decides whether a step is shown. */
  totalSteps?: number;
}

export interface Choice<T extends string = string> {
  value: T;
  label: string;
  description?: string;
  detail?: string;
  picked?: boolean;
}

export interface NumberQuestion {
  value: string;
  min: number;
  max: number;
  integer?: boolean;
  prompt?: string;
  /** An empty answer is accepted and returned as null ("use the method's own loss"). */
  allowEmpty?: boolean;
}

/** Every method resolves undefined when the user cancels. */
export interface Prompter {
  pick<T extends string>(s: Step, items: Choice<T>[], active?: T): Promise<T | undefined>;
  pickMany<T extends string>(s: Step, items: Choice<T>[]): Promise<T[] | undefined>;
  number(s: Step, q: NumberQuestion): Promise<number | null | undefined>;
  epsList(s: Step, q: { value: string; norm: Norm }): Promise<number[] | undefined>;
}

/** Numbers the steps a wizard shows: `next()` for each shown step, with the total once known. */
export class StepCounter {
  private shown = 0;
  constructor(private readonly title: string) {}
  next(what: string, totalSteps?: number): Step {
    this.shown++;
    return { title: `${this.title}: ${what}`, step: this.shown, totalSteps };
  }
  get count(): number {
    return this.shown;
  }
}
