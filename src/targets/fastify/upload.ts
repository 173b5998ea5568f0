import multipart from '@fastify/multipart';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { HttpError } from '../shared/errors.ts';
import { readFastifyFormFile } from '../shared/fastify-form.ts';
import { digestStream, type UploadResult } from '../shared/upload.ts';
import { errorResponses, uploadResultSchema } from './schemas.ts';

/**
 * `POST /upload` with @fastify/multipart: the `file` part is hashed while it streams. Parts are
 * iterated to the end, so a too-large file (busboy's fileSize limit → FST_REQ_FILE_TOO_LARGE,
 * 413) is reported only once the request body has been read and the connection stays usable.
 */
export const uploadRoutes: FastifyPluginAsync<{ limit: number }> = async (app, { limit }) => {
  await app.register(multipart, { limits: { fileSize: limit } });

  app.post(
    '/upload',
    { schema: { response: { 200: uploadResultSchema, ...errorResponses } } },
    async (request) => {
      if (!request.isMultipart()) {
        throw new HttpError('unsupported_media_type', 'expected multipart/form-data');
      }
      let result: UploadResult | null;
      try {
        result = await readFastifyFormFile(request.parts(), 'file', (file) =>
          digestStream(file, limit),
        );
      } catch (error) {
        if (error instanceof HttpError || (error as FastifyError).statusCode) throw error;
        // busboy's parse errors (no boundary, malformed part, …): the client's fault. Read the
        // rest of the body so that the connection stays usable.
        request.raw.resume();
        throw new HttpError(
          'validation_failed',
          `malformed multipart body: ${(error as Error).message}`,
        );
      }
      if (!result) throw new HttpError('validation_failed', 'missing file field "file"');
      return result;
    },
  );
};
