import { Injectable, type PipeTransform } from '@nestjs/common';
import { assertJsonObject, parseIntegerParam } from '../../shared/validation.ts';

/** Query/path integer in a range (strict decimal), via the shared validator. */
export class IntegerParamPipe implements PipeTransform<unknown, number> {
  constructor(
    private readonly name: string,
    private readonly range: { min: number; max: number; default?: number },
  ) {}

  transform(value: unknown): number {
    return parseIntegerParam(this.name, value, this.range);
  }
}

/** `POST /echo`: any JSON object, nothing else. */
@Injectable()
export class JsonObjectPipe implements PipeTransform<unknown, Record<string, unknown>> {
  transform(value: unknown): Record<string, unknown> {
    return assertJsonObject(value);
  }
}
