import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import busboy from 'busboy';
import { MultipartSource } from '../nestjs/upload/multipart-source.ts';

/** Express has no multipart parser of its own: busboy, streaming, nothing buffered. */
@Injectable()
export class BusboyMultipartSource extends MultipartSource {
  file(request: unknown, field: string, maxBytes: number): Promise<Readable | null> {
    const req = request as IncomingMessage;
    return new Promise((resolve, reject) => {
      const parser = busboy({ headers: req.headers, limits: { fileSize: maxBytes } });
      let found: Readable | undefined;
      parser.on('file', (name, stream) => {
        if (name === field && !found) {
          found = stream;
          resolve(stream);
        } else {
          stream.resume();
        }
      });
      parser.on('close', () => {
        if (!found) resolve(null);
      });
      // pipeline: a malformed body or a client abort fails the file being read instead of
      // leaving it hanging.
      pipeline(req, parser, (error) => {
        if (!error) return;
        if (!found) reject(error);
        else if (!found.destroyed) found.destroy(error);
      });
    });
  }
}
