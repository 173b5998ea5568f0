import { createHash } from 'node:crypto';

/**
 * Request bodies the verifier sends, generated deterministically (no randomness, no fixtures on
 * disk) so a failing check can be replayed byte for byte.
 */

/** `size` pseudo-random bytes: SHA-256 in counter mode over a fixed seed. */
export function deterministicBytes(size: number, seed = 'conformance'): Buffer {
  const out = Buffer.alloc(size);
  for (let offset = 0, counter = 0; offset < size; counter++) {
    const block = createHash('sha256').update(`${seed}:${counter}`).digest();
    offset += block.copy(out, offset);
  }
  return out;
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export const MULTIPART_BOUNDARY = '----lab-conformance-7d4c9e2a51f8';

/** `multipart/form-data` content type with the boundary the bodies below use. */
export const MULTIPART_CONTENT_TYPE = `multipart/form-data; boundary=${MULTIPART_BOUNDARY}`;

/** Part header of a file field. */
export function filePartHead(field: string, filename: string): Buffer {
  return Buffer.from(
    `--${MULTIPART_BOUNDARY}\r\n` +
      `Content-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
}

/** Ends the last part and the body. */
export const MULTIPART_END = Buffer.from(`\r\n--${MULTIPART_BOUNDARY}--\r\n`);

/** A whole multipart body with one file field. */
export function multipartWithFile(field: string, content: Buffer): Buffer {
  return Buffer.concat([filePartHead(field, 'sample.bin'), content, MULTIPART_END]);
}

/** A multipart body with a text field only (no file). */
export function multipartWithoutFile(): Buffer {
  return Buffer.from(
    `--${MULTIPART_BOUNDARY}\r\n` +
      'Content-Disposition: form-data; name="note"\r\n\r\n' +
      'no file here' +
      `\r\n--${MULTIPART_BOUNDARY}--\r\n`,
  );
}

/**
 * A multipart body carrying a file of `fileSize` bytes, as chunks of a reused buffer so an
 * upload above a 10 MiB limit never sits in memory whole.
 */
export function streamedMultipart(fileSize: number): {
  contentLength: number;
  chunks: Iterable<Buffer>;
} {
  const head = filePartHead('file', 'too-large.bin');
  const block = deterministicBytes(64 * 1024, 'oversized');
  function* chunks(): Generator<Buffer> {
    yield head;
    for (let left = fileSize; left > 0; left -= block.length) {
      yield left >= block.length ? block : block.subarray(0, left);
    }
    yield MULTIPART_END;
  }
  return { contentLength: head.length + fileSize + MULTIPART_END.length, chunks: chunks() };
}

/** A valid JSON object of exactly `size` bytes (size ≥ 16). */
export function jsonObjectOfSize(size: number): Buffer {
  const frame = '{"padding":""}';
  return Buffer.from(`{"padding":"${'x'.repeat(size - frame.length)}"}`);
}
