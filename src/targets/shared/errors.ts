/** The one error shape of the contract: `{ error: { code, message } }`. */
export type ErrorCode =
  | 'invalid_json'
  | 'validation_failed'
  | 'invalid_cursor'
  | 'unauthorized'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'bad_gateway'
  | 'internal_error';

export const STATUS_OF: Record<ErrorCode, number> = {
  invalid_json: 400,
  validation_failed: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  bad_gateway: 502,
  internal_error: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** Thrown by shared code; each framework maps it to a response in its own idiom. */
export class HttpError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.status = STATUS_OF[code];
  }

  toBody(): ErrorBody {
    return errorBody(this.code, this.message);
  }
}

export const errorBody = (code: ErrorCode, message: string): ErrorBody => ({
  error: { code, message },
});
