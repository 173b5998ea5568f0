import { Inject, Injectable } from '@nestjs/common';
import type { TargetConfig } from '../../shared/config.ts';
import { HttpError } from '../../shared/errors.ts';
import { digestStream, type UploadResult } from '../../shared/upload.ts';
import { TARGET_CONFIG } from '../tokens.ts';
import { MultipartSource } from './multipart-source.ts';

@Injectable()
export class UploadService {
  constructor(
    private readonly multipart: MultipartSource,
    @Inject(TARGET_CONFIG) private readonly config: TargetConfig,
  ) {}

  async digest(request: unknown): Promise<UploadResult> {
    const limit = this.config.uploadLimitBytes;
    let result: UploadResult | null;
    try {
      // One byte past the limit is enough for digestStream to answer 413.
      result = await this.multipart.readFile(request, 'file', limit + 1, (file) =>
        digestStream(file, limit),
      );
    } catch (error) {
      if (error instanceof HttpError) throw error;
      // Parser errors (no boundary, truncated form, client abort) are the client's fault.
      throw new HttpError(
        'validation_failed',
        `malformed multipart body: ${(error as Error).message}`,
      );
    }
    if (!result) throw new HttpError('validation_failed', 'multipart field "file" is required');
    return result;
  }
}
