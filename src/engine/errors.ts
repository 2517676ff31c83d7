// Errors the CLI maps to exit codes: 1 a gate failed, 2 bad input or usage, 3 internal faults,
// 130 stopped on request (SIGINT, SIGTERM, the extension's stop, a closed output pipe).

/** The user's input is wrong: names the file (when there is one) and the problem. */
export class BadInputError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
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

/** A stop was requested before the run could start (e.g. during data loading): nothing was written. */
export class StoppedError extends Error {
  constructor(message = 'stopped before the run started') {
    super(message);
    this.name = 'StoppedError';
  }
}

export const EXIT = { ok: 0, gate: 1, badInput: 2, internal: 3, stopped: 130 } as const;
