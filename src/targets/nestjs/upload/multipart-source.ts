import type { Readable } from 'node:stream';

/**
 * Port for reading one file out of a multipart request. The shared UploadService depends on
 * this abstract class (it doubles as the DI token); each entry point provides its adapter's
 * implementation. UploadService turns parser errors into 400 `validation_failed`.
 */
export abstract class MultipartSource {
  /**
   * Hands the file part `field` to `consume` as a stream truncated after `maxBytes` bytes (so a
   * caller counting bytes sees the excess), reads the rest of the form (other parts are
   * discarded), and resolves with what `consume` returned, or null when the form has no part
   * `field`. A part `field` that is a plain form field, not a file, is 400 `validation_failed`.
   */
  abstract readFile<T>(
    request: unknown,
    field: string,
    maxBytes: number,
    consume: (file: Readable) => Promise<T>,
  ): Promise<T | null>;
}
