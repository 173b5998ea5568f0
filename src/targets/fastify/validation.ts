import ajvModule from 'ajv';
import formatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { isEmail } from '../shared/validation.ts';

// CommonJS packages whose module.exports carries itself as `.default` (see src/conformance).
const Ajv = ajvModule.default;
const addFormats = formatsModule.default;

function ajv(coerceTypes: boolean | 'array') {
  // Fastify's defaults, except removeAdditional: it would strip unknown properties that the
  // contract rejects.
  const instance = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false });
  addFormats(instance);
  // The same email rule as the targets that validate in code (shared/validation.ts).
  instance.addFormat('email', isEmail);
  return instance;
}

/**
 * One Ajv per HTTP part (the pattern of Fastify's validation docs): query strings and path
 * parameters are text and need coercion to integers; JSON bodies must not be coerced, or
 * `{ "name": 5 }` would pass as "5".
 */
export function installValidators(app: FastifyInstance): void {
  const coercing = ajv('array');
  const byPart: Record<string, ReturnType<typeof ajv>> = {
    body: ajv(false),
    querystring: coercing,
    params: coercing,
    headers: coercing,
  };
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (byPart[httpPart ?? 'body'] ?? coercing).compile(schema),
  );
}
