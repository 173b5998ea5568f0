import type { Readable } from 'node:stream';
import type { Multipart } from '@fastify/multipart';
import { HttpError } from './errors.ts';

/**
 * The @fastify/multipart counterpart of readFormFile (busboy-form.ts), for Fastify and NestJS on
 * Fastify: hands the first part named `field` to `consume`, reads the form to its end (other
 * parts discarded) and returns what `consume` returned, or null when there is no such part. A
 * part `field` that is a plain form field is 400 `validation_failed`; parser errors are thrown
 * as they come (the callers' error paths read the rest of the body and answer 400).
 */
export async function readFastifyFormFile<T>(
  parts: AsyncIterable<Multipart>,
  field: string,
  consume: (file: Readable) => Promise<T>,
): Promise<T | null> {
  let result: { value: T } | undefined;
  let decided = false;
  for await (const part of parts) {
    if (part.fieldname !== field || decided) {
      if (part.type === 'file') part.file.resume();
      continue;
    }
    decided = true;
    if (part.type !== 'file') {
      throw new HttpError(
        'validation_failed',
        `multipart field "${field}" must be a file, not a plain form field`,
      );
    }
    result = { value: await consume(part.file) };
  }
  return result ? result.value : null;
}
