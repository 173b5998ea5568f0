import type { RequestHandler } from 'express';
import { readFormFile, requireMultipart } from '../shared/busboy-form.ts';
import { HttpError } from '../shared/errors.ts';
import { digestStream } from '../shared/upload.ts';

/**
 * `POST /upload`: streams the `file` part through SHA-256 with busboy (no buffering, no temp
 * files). The request is read to the end before answering, even after a 413, so that the
 * connection stays usable; malformed bodies are 400 (shared/busboy-form.ts).
 */
export function uploadHandler(limit: number): RequestHandler {
  return async (req, res) => {
    requireMultipart(req.headers['content-type']);
    // One byte over the limit is enough for digestStream to notice; busboy discards the rest.
    const result = await readFormFile(req, 'file', limit + 1, (file) => digestStream(file, limit));
    if (!result) throw new HttpError('validation_failed', 'missing file field "file"');
    res.json(result);
  };
}
