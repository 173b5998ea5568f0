import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { HttpError } from './errors.ts';

/** Non-file fields are buffered by busboy; none of the contract's is worth more than this. */
const FIELD_SIZE_LIMIT = 64 * 1024;

/** 415 unless the request says `multipart/form-data`. */
export function requireMultipart(contentType: string | undefined): void {
  if (!/^multipart\/form-data\s*(;|$)/i.test(contentType ?? '')) {
    throw new HttpError('unsupported_media_type', 'expected multipart/form-data');
  }
}

/**
 * Reads a `multipart/form-data` request with busboy (streaming, nothing buffered) whose only part
 * is the file `field`, and hands that part to `consume`. Resolves with what `consume` returned
 * once the whole body has been parsed, or null when the form has no part at all. Rejects with 400
 * `validation_failed` (the contract's form has `additionalProperties: false`) when `field` is a
 * plain field rather than a file, when any other part or a second `field` comes, when the body
 * is not valid multipart (missing boundary, malformed part header, truncated form) and when the
 * client goes away mid-body; `consume`'s own errors (e.g. a 413) are passed on.
 *
 * Why not `pipeline()` or `once(parser, 'error')`: busboy emits one 'error' per malformed part
 * header, several within one write, and anything that listens only until the first one lets the
 * next one escape as an unhandled 'error' event, which ends the process. The listener here stays
 * for the parser's whole life, and the first error stops the parser and drains the request.
 */
export function readFormFile<T>(
  req: IncomingMessage,
  field: string,
  maxFileBytes: number,
  consume: (file: Readable) => Promise<T>,
): Promise<T | null> {
  return new Promise<T | null>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: maxFileBytes, fieldSize: FIELD_SIZE_LIMIT },
      });
    } catch (error) {
      req.resume();
      reject(invalid(`malformed multipart Content-Type: ${(error as Error).message}`));
      return;
    }

    let settled = false;
    let consumed: Promise<T> | undefined;
    const fail = (error: HttpError) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      parser.destroy();
      req.resume(); // read the rest, so the answer reaches a client still sending
      reject(error);
    };

    parser.on('error', (error: Error) =>
      fail(invalid(`malformed multipart body: ${error.message}`)),
    );
    parser.on('file', (name: string, stream: Readable) => {
      if (name !== field || consumed) {
        stream.resume();
        fail(unexpectedPart(name, field));
        return;
      }
      consumed = consume(stream);
      consumed.catch(() => {}); // settled on 'close' below, or superseded by fail()
    });
    parser.on('field', (name: string) => {
      fail(
        name === field
          ? invalid(`multipart field "${field}" must be a file, not a plain form field`)
          : unexpectedPart(name, field),
      );
    });
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      if (consumed) consumed.then(resolve, reject);
      else resolve(null);
    });
    // A client that goes away mid-body must not leave the request waiting forever.
    req.once('close', () => {
      if (!req.complete) fail(invalid('request aborted before the multipart body ended'));
    });
    req.pipe(parser);
  });
}

const invalid = (message: string) => new HttpError('validation_failed', message);

/** The form has one part, `field`: any other part, or a second one, is refused. */
export const unexpectedPart = (name: string, field: string) =>
  invalid(`unexpected multipart part ${JSON.stringify(name)}: the form has one part, "${field}"`);
