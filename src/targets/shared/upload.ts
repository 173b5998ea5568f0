import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { HttpError } from './errors.ts';

export interface UploadResult {
  size: number;
  sha256: string;
}

/** Streams a file part through SHA-256 without buffering it; fails with 413 past `limit`. */
export async function digestStream(stream: Readable, limit: number): Promise<UploadResult> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      stream.resume();
      throw new HttpError('payload_too_large', `file exceeds ${limit} bytes`);
    }
    hash.update(chunk);
  }
  return { size, sha256: hash.digest('hex') };
}
