import { Injectable, type PipeTransform } from '@nestjs/common';
import { type NewUser, parseNewUser } from '../../shared/validation.ts';

/** `POST /users` body: exactly `{ name, email }`, via the shared validator. */
@Injectable()
export class NewUserPipe implements PipeTransform<unknown, NewUser> {
  transform(value: unknown): NewUser {
    return parseNewUser(value);
  }
}
