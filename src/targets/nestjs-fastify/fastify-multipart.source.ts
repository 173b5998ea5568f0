import type { Readable } from 'node:stream';
import type { MultipartFile } from '@fastify/multipart';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { MultipartSource } from '../nestjs/upload/multipart-source.ts';

type Parts = AsyncIterator<MultipartFile>;

/** Reads (and discards) what follows the file, so the client can finish sending the form. */
async function drain(parts: Parts): Promise<void> {
  for (let next = await parts.next(); !next.done; next = await parts.next()) {
    next.value.file.resume();
  }
}

/** @fastify/multipart (registered in main.ts): the file parts as streams, nothing buffered. */
@Injectable()
export class FastifyMultipartSource extends MultipartSource {
  async file(request: unknown, field: string, maxBytes: number): Promise<Readable | null> {
    const parts: Parts = (request as FastifyRequest)
      .files({ limits: { fileSize: maxBytes }, throwFileSizeLimit: false })
      [Symbol.asyncIterator]();
    for (let next = await parts.next(); !next.done; next = await parts.next()) {
      const { fieldname, file } = next.value;
      if (fieldname === field) {
        file.once('end', () => void drain(parts).catch(() => {}));
        return file;
      }
      file.resume();
    }
    return null;
  }
}
