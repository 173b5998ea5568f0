import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { MultipartSource } from '../nestjs/upload/multipart-source.ts';
import { readFastifyFormFile } from '../shared/fastify-form.ts';

/** @fastify/multipart (registered in setup.ts): the file parts as streams, nothing buffered. */
@Injectable()
export class FastifyMultipartSource extends MultipartSource {
  readFile<T>(
    request: unknown,
    field: string,
    maxBytes: number,
    consume: (file: Readable) => Promise<T>,
  ): Promise<T | null> {
    // digestStream answers 413 itself. parts() reads `throwFileSizeLimit` like files() does,
    // though its type does not list it (hence a variable, not a literal).
    const options = { limits: { fileSize: maxBytes }, throwFileSizeLimit: false };
    return readFastifyFormFile((request as FastifyRequest).parts(options), field, consume);
  }
}
