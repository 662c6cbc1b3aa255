// Typed errors: the core rooms throw these, only cli.ts and the wizard turn them into words on a screen.

/** Bad usage or bad input: exit code 2, one sentence, no stack trace. */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputError';
  }
}

export interface CaptureErrorDetail {
  file?: string;
  format?: string;
  record?: number;
  offset?: number;
  /** What the user can do about it. */
  hint?: string;
  /** The content is no capture at all (unknown format, empty): a folder import skips such a file. */
  notCapture?: boolean;
}

/** A capture that cannot be read (or read to its end). */
export class CaptureError extends InputError {
  readonly detail: CaptureErrorDetail;
  /** The problem alone, without the location, so that a caller can add the file name later. */
  readonly problem: string;
  constructor(problem: string, detail: CaptureErrorDetail = {}) {
    super(describeCaptureProblem(problem, detail));
    this.name = 'CaptureError';
    this.problem = problem;
    this.detail = detail;
  }
  /** The same error, located in a file. */
  inFile(file: string): CaptureError {
    return new CaptureError(this.problem, { ...this.detail, file });
  }
}

/** "FILE (btsnoop, record 12 at byte 4096): PROBLEM. HINT" */
export function describeCaptureProblem(problem: string, d: CaptureErrorDetail): string {
  const where: string[] = [];
  if (d.format) where.push(d.format);
  if (d.record !== undefined) where.push(`record ${d.record}`);
  if (d.offset !== undefined) where.push(`${d.record !== undefined ? 'at ' : ''}byte ${d.offset}`);
  const place = d.file ? `${d.file}${where.length ? ` (${where.join(', ')})` : ''}: ` : where.length ? `${where.join(', ')}: ` : '';
  return `${place}${problem}${d.hint ? `. ${d.hint}` : ''}`;
}

/** The user pressed Ctrl+C (or closed the terminal) at a prompt. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}
