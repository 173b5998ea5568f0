import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { UploadResult } from '../../shared/upload.ts';
import { Consumes } from '../core/consumes.ts';
import { UploadService } from './upload.service.ts';

@Controller('upload')
export class UploadController {
  constructor(private readonly uploads: UploadService) {}

  @Post()
  @HttpCode(200)
  @Consumes('multipart/form-data')
  upload(@Req() request: unknown): Promise<UploadResult> {
    return this.uploads.digest(request);
  }
}
