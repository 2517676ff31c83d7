// Errors the CLI maps to exit codes: 2 for bad input or usage, 3 for internal faults.

/** The user's input is wrong: names the file (when there is one) and the problem. */
export class BadInputError extends Error {
  constructor(message: string, readonly file?: string) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'BadInputError';
  }
}

export class UsageError extends BadInputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A robustness gate (--fail-under) failed: exit code 1. */
export class GateFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GateFailedError';
  }
}

export const EXIT = { ok: 0, gate: 1, badInput: 2, internal: 3 } as const;
