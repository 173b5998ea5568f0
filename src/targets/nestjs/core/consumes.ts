import type { IncomingHttpHeaders } from 'node:http';
import { type CanActivate, type ExecutionContext, UseGuards } from '@nestjs/common';
import { HttpError } from '../../shared/errors.ts';

/** Rejects requests whose media type is not `mediaType` with 415 before pipes run. */
class MediaTypeGuard implements CanActivate {
  constructor(private readonly mediaType: string) {}

  canActivate(context: ExecutionContext): boolean {
    const { headers } = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders }>();
    const actual = headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
    if (actual !== this.mediaType) {
      throw new HttpError('unsupported_media_type', `expected Content-Type ${this.mediaType}`);
    }
    return true;
  }
}

/**
 * Route decorator: the body must be `mediaType`. A per-route guard instance rather than a global
 * guard, so that routes without a body pay nothing for it.
 */
export const Consumes = (mediaType: string) => UseGuards(new MediaTypeGuard(mediaType));
