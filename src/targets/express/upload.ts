import { once } from 'node:events';
import busboy from 'busboy';
import type { Request, RequestHandler } from 'express';
import { HttpError } from '../shared/errors.ts';
import { digestStream, type UploadResult } from '../shared/upload.ts';

/**
 * `POST /upload`: streams the `file` part through SHA-256 with busboy (no buffering, no temp
 * files). The request is always read to the end before answering, even after a 413, so that the
 * connection stays usable.
 */
export function uploadHandler(limit: number): RequestHandler {
  return async (req, res) => {
    const parser = multipartParser(req, limit);
    let digest: Promise<UploadResult> | undefined;
    parser.on('file', (field, stream) => {
      if (field === 'file' && !digest) {
        digest = digestStream(stream, limit);
        digest.catch(() => {}); // awaited below; this only avoids an unhandled rejection
      } else {
        stream.resume();
      }
    });
    // A client that goes away mid-upload must not leave this handler waiting forever.
    req.once('close', () => {
      if (!req.complete) parser.destroy(new Error('request aborted'));
    });
    req.pipe(parser);
    try {
      await once(parser, 'close');
    } catch {
      req.unpipe(parser);
      req.resume();
      throw new HttpError('validation_failed', 'malformed multipart body');
    }
    if (!digest) throw new HttpError('validation_failed', 'missing file field "file"');
    res.json(await digest);
  };
}

function multipartParser(req: Request, limit: number): busboy.Busboy {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*(;|$)/i.test(type)) {
    throw new HttpError('unsupported_media_type', 'expected multipart/form-data');
  }
  try {
    // One byte over the limit is enough for digestStream to notice; busboy discards the rest.
    return busboy({ headers: req.headers, limits: { fileSize: limit + 1 } });
  } catch {
    throw new HttpError('validation_failed', 'malformed multipart header (boundary missing?)');
  }
}
