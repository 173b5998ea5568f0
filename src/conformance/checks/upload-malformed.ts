import { CheckFailed, expectEqual, expectJson } from '../expect.ts';
import type { HttpResponse } from '../http.ts';
import { MULTIPART_BOUNDARY, MULTIPART_END, sha256Hex } from '../payloads.ts';
import { type Check, type CheckContext, send } from './context.ts';

/**
 * Scenario 07 with bodies a regular client never sends, written byte for byte over a raw socket:
 * malformed part headers, a form cut short, a wrong or missing boundary, a plain field where the
 * file belongs, a client that goes away mid-upload, a body that trickles in. Each must get the
 * documented 400 (or, where the contract allows it, a closed connection), and the target must
 * keep serving: after each one, `GET /health` has to answer. One multipart parser crashed its
 * process on the first of these (busboy emits one 'error' per malformed part header).
 */

const CONTENT_TYPE = `multipart/form-data; boundary=${MULTIPART_BOUNDARY}`;
const FILE = Buffer.from('lab conformance upload\n');

function part(headers: string, content: string | Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${MULTIPART_BOUNDARY}\r\n${headers}\r\n\r\n`),
    Buffer.from(content),
    Buffer.from('\r\n'),
  ]);
}

const FILE_HEADERS =
  'Content-Disposition: form-data; name="file"; filename="sample.bin"\r\n' +
  'Content-Type: application/octet-stream';

/** A complete `POST /upload` request: head with `Connection: close`, then the body. */
function uploadRequest(
  ctx: CheckContext,
  body: Buffer,
  { contentType = CONTENT_TYPE, headers = '' }: { contentType?: string; headers?: string } = {},
): Buffer {
  const host = new URL(ctx.client.baseUrl).host;
  const head =
    `POST /upload HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n` +
    `Content-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n${headers}\r\n`;
  return Buffer.concat([Buffer.from(head), body]);
}

function expectUpload400(ctx: CheckContext, res: HttpResponse | undefined): void {
  if (!res) throw new CheckFailed('expected 400 validation_failed, received a closed connection');
  expectJson(ctx.validators, res, {
    status: 400,
    operation: ['post', '/upload'],
    code: 'validation_failed',
  });
}

/** The target survived: `GET /health` still answers 200. */
async function expectStillServing(ctx: CheckContext, after: string): Promise<void> {
  let res: HttpResponse;
  try {
    res = await send(ctx, 'GET', '/health');
  } catch (error) {
    throw new CheckFailed(
      `expected GET /health to answer after ${after}, received none: ${(error as Error).message}`,
    );
  }
  if (res.status !== 200) {
    throw new CheckFailed(
      `after ${after}, expected GET /health to answer 200, received ${res.status}`,
    );
  }
}

/** Sends `request`, expects 400, then a healthy target. */
async function expectRefused(ctx: CheckContext, what: string, request: Buffer[]): Promise<void> {
  const res = await ctx.client.sendRaw(`POST /upload (${what})`, request);
  // A closed connection may be the process going down: say so when it is.
  if (!res) await expectStillServing(ctx, `${what} (answered by a closed connection)`);
  expectUpload400(ctx, res);
  await expectStillServing(ctx, what);
}

export const uploadMalformed: Check[] = [
  {
    id: 'upload.malformed-part-headers-400',
    description:
      'POST /upload with two malformed part headers in one packet answers 400 and the target keeps serving',
    async run(ctx) {
      const body = Buffer.concat([
        part('Not a header line', 'x'),
        part('Another\u0001broken header', 'y'),
        MULTIPART_END.subarray(2),
      ]);
      await expectRefused(ctx, 'malformed part headers', [uploadRequest(ctx, body)]);
    },
  },
  {
    id: 'upload.truncated-form-400',
    description:
      'POST /upload whose form ends inside the file part (no closing boundary) answers 400',
    async run(ctx) {
      const body = Buffer.concat([part(FILE_HEADERS, FILE).subarray(0, -2)]);
      await expectRefused(ctx, 'a truncated form', [uploadRequest(ctx, body)]);
    },
  },
  {
    id: 'upload.wrong-boundary-400',
    description:
      'POST /upload whose body does not use the boundary its Content-Type names answers 400',
    async run(ctx) {
      const body = Buffer.concat([part(FILE_HEADERS, FILE), MULTIPART_END.subarray(2)]);
      const contentType = 'multipart/form-data; boundary=not-the-boundary-of-this-body';
      await expectRefused(ctx, 'a wrong boundary', [uploadRequest(ctx, body, { contentType })]);
    },
  },
  {
    id: 'upload.missing-boundary-400',
    description:
      'POST /upload with Content-Type multipart/form-data without a boundary answers 400',
    async run(ctx) {
      const body = Buffer.concat([part(FILE_HEADERS, FILE), MULTIPART_END.subarray(2)]);
      const request = uploadRequest(ctx, body, { contentType: 'multipart/form-data' });
      await expectRefused(ctx, 'no boundary', [request]);
    },
  },
  {
    id: 'upload.plain-field-400',
    description: 'POST /upload whose "file" part is a plain form field, not a file, answers 400',
    async run(ctx) {
      const body = Buffer.concat([
        part('Content-Disposition: form-data; name="file"', 'just text'),
        MULTIPART_END.subarray(2),
      ]);
      await expectRefused(ctx, 'a plain "file" field', [uploadRequest(ctx, body)]);
    },
  },
  {
    id: 'upload.extra-part-400',
    description: 'POST /upload with a part besides "file" (the form has one part) answers 400',
    async run(ctx) {
      const body = Buffer.concat([
        part(FILE_HEADERS, FILE),
        part('Content-Disposition: form-data; name="note"', 'extra'),
        MULTIPART_END.subarray(2),
      ]);
      await expectRefused(ctx, 'an extra part', [uploadRequest(ctx, body)]);
    },
  },
  {
    id: 'upload.huge-part-header',
    description:
      'POST /upload with a 100 KiB part header answers 400, or 200 with the right digest, and the target keeps serving',
    async run(ctx) {
      const headers = `${FILE_HEADERS}\r\nX-Padding: ${'p'.repeat(100 * 1024)}`;
      const body = Buffer.concat([part(headers, FILE), MULTIPART_END.subarray(2)]);
      const res = await ctx.client.sendRaw('POST /upload (huge part header)', [
        uploadRequest(ctx, body),
      ]);
      // RFC 7578 sets no limit: a parser may keep (or truncate) a long header, or refuse it.
      if (res?.status === 200) {
        const result = expectJson(ctx.validators, res, {
          status: 200,
          operation: ['post', '/upload'],
        });
        expectEqual('the upload result', { size: FILE.length, sha256: sha256Hex(FILE) }, result);
      } else {
        expectUpload400(ctx, res);
      }
      await expectStillServing(ctx, 'a huge part header');
    },
  },
  {
    id: 'upload.client-abort',
    description:
      'a client that resets the connection halfway through an upload leaves the target serving',
    async run(ctx) {
      const body = Buffer.concat([part(FILE_HEADERS, Buffer.alloc(256 * 1024, 7))]);
      const request = uploadRequest(ctx, Buffer.concat([body, MULTIPART_END]));
      await ctx.client.sendRaw('POST /upload (aborted)', [request.subarray(0, 64 * 1024)], {
        reset: true,
      });
      await expectStillServing(ctx, 'an aborted upload');
    },
  },
  {
    id: 'upload.slow-body',
    description:
      'POST /upload whose body trickles in over a second answers 200, and GET /health answers meanwhile',
    async run(ctx) {
      const body = Buffer.concat([part(FILE_HEADERS, FILE), MULTIPART_END.subarray(2)]);
      const request = uploadRequest(ctx, body);
      const pieces = 10;
      const step = Math.ceil(request.length / pieces);
      const chunks = Array.from({ length: pieces }, (_, i) =>
        request.subarray(i * step, (i + 1) * step),
      );
      const slow = ctx.client.sendRaw('POST /upload (slow body)', chunks, { gapMs: 100 });
      slow.catch(() => {}); // awaited below, unless the target already failed the next line
      // While it trickles in, the target must serve others: one slow client blocks nobody.
      await expectStillServing(ctx, 'the start of a slow upload (while it was still sending)');
      const res = await slow;
      if (!res)
        throw new CheckFailed(
          'expected 200 for a slow but complete upload, received a closed connection',
        );
      const result = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['post', '/upload'],
      });
      expectEqual('the upload result', { size: FILE.length, sha256: sha256Hex(FILE) }, result);
    },
  },
  {
    id: 'http.huge-request-head',
    description:
      'a request with a 2 MiB header gets a 4xx or a closed connection, and the target keeps serving',
    async run(ctx) {
      const host = new URL(ctx.client.baseUrl).host;
      const request = Buffer.from(
        `GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n` +
          `X-Padding: ${'h'.repeat(2 * 1024 * 1024)}\r\n\r\n`,
      );
      const res = await ctx.client.sendRaw('GET /health (2 MiB header)', [request]);
      if (res && (res.status < 400 || res.status >= 500)) {
        throw new CheckFailed(`expected a 4xx or a closed connection, received ${res.status}`);
      }
      await expectStillServing(ctx, 'a 2 MiB request header');
    },
  },
];
