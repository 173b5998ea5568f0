import { expectEqual, expectJson } from '../expect.ts';
import {
  deterministicBytes,
  MULTIPART_CONTENT_TYPE,
  multipartWithFile,
  multipartWithoutFile,
  sha256Hex,
  streamedMultipart,
} from '../payloads.ts';
import { type Check, JSON_HEADERS, send } from './context.ts';

/** Scenario 07: multipart upload. */

/** Not a round number, so an off-by-some size (e.g. counting the multipart framing) shows. */
const SMALL_FILE_BYTES = 100_003;

export const uploadHappyPath: Check[] = [
  {
    id: 'upload.ok',
    description: `POST /upload with a ${SMALL_FILE_BYTES}-byte file answers 200 with its size and sha256`,
    async run(ctx) {
      const file = deterministicBytes(SMALL_FILE_BYTES);
      const res = await send(ctx, 'POST', '/upload', {
        headers: { 'content-type': MULTIPART_CONTENT_TYPE },
        body: multipartWithFile('file', file),
      });
      const body = expectJson(ctx.validators, res, { status: 200, operation: ['post', '/upload'] });
      expectEqual('the upload result', { size: file.length, sha256: sha256Hex(file) }, body);
    },
  },
];

export const uploadBadInput: Check[] = [
  {
    id: 'upload.missing-file-400',
    description: 'POST /upload without a file field answers 400 validation_failed',
    async run(ctx) {
      const res = await send(ctx, 'POST', '/upload', {
        headers: { 'content-type': MULTIPART_CONTENT_TYPE },
        body: multipartWithoutFile(),
      });
      expectJson(ctx.validators, res, {
        status: 400,
        operation: ['post', '/upload'],
        code: 'validation_failed',
      });
    },
  },
  {
    id: 'upload.wrong-content-type-415',
    description: 'POST /upload with Content-Type application/json answers 415',
    async run(ctx) {
      const res = await send(ctx, 'POST', '/upload', { headers: JSON_HEADERS, body: '{}' });
      expectJson(ctx.validators, res, {
        status: 415,
        operation: ['post', '/upload'],
        code: 'unsupported_media_type',
      });
    },
  },
  {
    id: 'upload.too-large-413',
    description: 'POST /upload with a file one byte above the upload limit answers 413',
    async run(ctx) {
      const { contentLength, chunks } = streamedMultipart(ctx.options.uploadLimitBytes + 1);
      const res = await ctx.client.sendStreaming({
        method: 'POST',
        path: '/upload',
        headers: { 'content-type': MULTIPART_CONTENT_TYPE },
        contentLength,
        chunks,
      });
      expectJson(ctx.validators, res, {
        status: 413,
        operation: ['post', '/upload'],
        code: 'payload_too_large',
      });
    },
  },
];
