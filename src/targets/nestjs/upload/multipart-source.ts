import type { Readable } from 'node:stream';

/**
 * Port for reading one file out of a multipart request. The shared UploadService depends on
 * this abstract class (it doubles as the DI token); each entry point provides its adapter's
 * implementation. UploadService turns parser errors into 400 `validation_failed`.
 */
export abstract class MultipartSource {
  /**
   * The stream of the file field `field`, truncated after `maxBytes` bytes (so a caller counting
   * bytes sees the excess), or null when the form has no such file. Other parts are discarded.
   */
  abstract file(request: unknown, field: string, maxBytes: number): Promise<Readable | null>;
}
