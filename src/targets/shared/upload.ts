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
    // Past the limit, keep reading without hashing: leaving the loop would destroy the part
    // stream, and busboy then stalls waiting for it to be read (the request never ends).
    // Callers cap the part with busboy's fileSize limit, so this drains little.
    if (size <= limit) hash.update(chunk);
  }
  if (size > limit) throw new HttpError('payload_too_large', `file exceeds ${limit} bytes`);
  return { size, sha256: hash.digest('hex') };
}
