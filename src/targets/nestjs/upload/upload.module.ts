import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { MultipartSource } from './multipart-source.ts';
import { UploadController } from './upload.controller.ts';
import { UploadService } from './upload.service.ts';

@Module({})
export class UploadModule {
  /** `source`: the adapter's MultipartSource implementation. */
  static forRoot(source: Type<MultipartSource>): DynamicModule {
    return {
      module: UploadModule,
      controllers: [UploadController],
      providers: [UploadService, { provide: MultipartSource, useClass: source }],
    };
  }
}
