import type { DataLayer } from '../../data/types.ts';
import type { Principal } from './auth.ts';
import { HttpError } from './errors.ts';
import { verifyPassword } from './password.ts';

/**
 * The credential check both logins of scenario 16 share: the author with this email (one
 * statement) and its scrypt hash. An unknown email and a wrong password get the same 401, so a
 * client cannot tell which it was.
 */
export async function checkCredentials(
  layer: Pick<DataLayer, 'accountByEmail'>,
  email: string,
  password: string,
): Promise<Principal> {
  const account = await layer.accountByEmail(email);
  if (!account || !(await verifyPassword(password, account.passwordHash))) {
    throw new HttpError('unauthorized', 'invalid email or password');
  }
  return { subject: String(account.id), email: account.email };
}
