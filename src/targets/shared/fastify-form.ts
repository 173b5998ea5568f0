import type { Readable } from 'node:stream';
import type { Multipart } from '@fastify/multipart';
import { unexpectedPart } from './busboy-form.ts';
import { HttpError } from './errors.ts';

/**
 * The @fastify/multipart counterpart of readFormFile (busboy-form.ts), for Fastify and NestJS on
 * Fastify: the form's only part is the file `field`, handed to `consume`; the form is read to its
 * end and what `consume` returned comes back, or null when the form has no part at all. `field`
 * as a plain form field, any other part and a second `field` are 400 `validation_failed`; parser
 * errors are thrown as they come (the callers' error paths read the rest of the body and answer
 * 400).
 */
export async function readFastifyFormFile<T>(
  parts: AsyncIterable<Multipart>,
  field: string,
  consume: (file: Readable) => Promise<T>,
): Promise<T | null> {
  let result: { value: T } | undefined;
  for await (const part of parts) {
    if (part.fieldname !== field || result) {
      if (part.type === 'file') part.file.resume(); // read and dropped: nothing may stall
      throw unexpectedPart(part.fieldname, field);
    }
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
