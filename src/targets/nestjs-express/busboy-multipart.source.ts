import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { MultipartSource } from '../nestjs/upload/multipart-source.ts';
import { readFormFile } from '../shared/busboy-form.ts';

/** Express has no multipart parser of its own: busboy, streaming, nothing buffered. */
@Injectable()
export class BusboyMultipartSource extends MultipartSource {
  readFile<T>(
    request: unknown,
    field: string,
    maxBytes: number,
    consume: (file: Readable) => Promise<T>,
  ): Promise<T | null> {
    return readFormFile(request as IncomingMessage, field, maxBytes, consume);
  }
}
