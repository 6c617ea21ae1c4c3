/**
 * Every failure wordmill reports is a WordmillError with a stable code. The CLI maps codes to
 * exit statuses (see EXIT_STATUS) and prints `message` as one line; callers branch on `code`.
 */
export type ErrorCode =
  | 'WM_ERR_OPTION' // an option is unknown or out of range
  | 'WM_ERR_SPEC' // a pipeline spec is malformed or names something unknown
  | 'WM_ERR_NOT_FOUND' // url or file does not exist (404/410, ENOENT)
  | 'WM_ERR_ACCESS' // 401/403, EACCES
  | 'WM_ERR_NETWORK' // connection failures after all retries, timeouts
  | 'WM_ERR_HTTP' // any other HTTP status we cannot use
  | 'WM_ERR_CHECKSUM' // digest or size mismatch
  | 'WM_ERR_OFFLINE' // --offline and the file is not cached
  | 'WM_ERR_DISK' // disk full, cache not writable
  | 'WM_ERR_ARCHIVE_ENTRY' // an unsafe or unusable archive member
  | 'WM_ERR_ARCHIVE_LIMIT' // expanded size or ratio over the bound
  | 'WM_ERR_ARCHIVE_CORRUPT' // truncated or corrupt archive
  | 'WM_ERR_TOKENIZE' // the tokenizer threw on a document
  | 'WM_ERR_WORKER' // a worker thread died
  | 'WM_ERR_STORE' // token store unreadable, inconsistent, or locked
  | 'WM_ERR_VOCAB' // vocabulary file malformed
  | 'WM_ERR_TRAIN' // trainer failed (NaN loss, model too big, child died)
  | 'WM_ERR_BACKEND' // requested tfjs backend unavailable
  | 'WM_ERR_CHECKPOINT' // checkpoint missing or incompatible
  | 'WM_ERR_INPUT' // a malformed input record (e.g. a JSON line on stdin)
  | 'WM_ERR_CLUSTER' // Redis unreachable past the timeout, or a cluster flow lost
  | 'WM_ERR_ABORTED'; // the run was interrupted

export interface ErrorDetails {
  url?: string;
  path?: string;
  docId?: string;
  docIds?: string[];
  option?: string;
  expected?: string;
  actual?: string;
  member?: string;
  [key: string]: unknown;
}

/** The one shape a WordmillError takes on the wire (worker threads, the trainer process, its feed). */
export interface ErrorData { code: ErrorCode; message: string; details: ErrorDetails }

export class WordmillError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WordmillError';
    this.code = code;
    this.details = details;
  }
  /** Plain data, for crossing a worker or process boundary; `fromJSON` rebuilds the same error. */
  toJSON(): ErrorData {
    return { code: this.code, message: this.message, details: this.details };
  }
  /**
   * The error `toJSON` described. Data from another thread or process is not trusted to be well
   * formed: a missing or unknown code becomes `fallback`, so the CLI still maps it to a status.
   */
  static fromJSON(data: unknown, fallback: ErrorCode = 'WM_ERR_WORKER'): WordmillError {
    const d = (data ?? {}) as Partial<ErrorData>;
    const code = isErrorCode(d.code) ? d.code : fallback;
    const message = typeof d.message === 'string' ? d.message : String(data);
    const details = d.details && typeof d.details === 'object' ? d.details : {};
    return new WordmillError(code, message, details);
  }
  /**
   * Any thrown value as a WordmillError: one passes through; anything else becomes `code` with
   * `context: <its message>` (the original kept as `cause`), so nothing crosses a boundary bare.
   */
  static from(e: unknown, code: ErrorCode, context: string): WordmillError {
    if (e instanceof WordmillError) return e;
    const msg = e instanceof Error ? e.message : String(e);
    return new WordmillError(code, `${context}: ${msg}`, {}, { cause: e });
  }
}

export const isErrorCode = (c: unknown): c is ErrorCode => typeof c === 'string' && Object.hasOwn(EXIT_STATUS, c);

export const isWordmillError = (e: unknown): e is WordmillError => e instanceof WordmillError;

/** Exit statuses: 1 generic, 2 usage, then one per family so scripts can tell them apart. */
export const EXIT_STATUS: Record<ErrorCode, number> = {
  WM_ERR_OPTION: 2,
  WM_ERR_SPEC: 2,
  WM_ERR_NOT_FOUND: 3,
  WM_ERR_ACCESS: 3,
  WM_ERR_NETWORK: 4,
  WM_ERR_HTTP: 4,
  WM_ERR_OFFLINE: 4,
  WM_ERR_CHECKSUM: 5,
  WM_ERR_DISK: 6,
  WM_ERR_ARCHIVE_ENTRY: 7,
  WM_ERR_ARCHIVE_LIMIT: 7,
  WM_ERR_ARCHIVE_CORRUPT: 7,
  WM_ERR_TOKENIZE: 8,
  WM_ERR_WORKER: 8,
  WM_ERR_STORE: 9,
  WM_ERR_VOCAB: 9,
  WM_ERR_TRAIN: 10,
  WM_ERR_BACKEND: 10,
  WM_ERR_CHECKPOINT: 10,
  WM_ERR_INPUT: 11,
  WM_ERR_CLUSTER: 12,
  WM_ERR_ABORTED: 130,
};
