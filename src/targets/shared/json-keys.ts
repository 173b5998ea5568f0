/**
 * Fastify's JSON parser (secure-json-parse) refuses bodies with `__proto__` or `constructor`
 * keys by default; the contract says `POST /echo` echoes them exactly, like every other key
 * (docs/contract.md). With `ignore`, Fastify parses with plain JSON.parse, which makes such keys
 * ordinary own properties (it defines them, it never assigns them): nothing reaches a prototype,
 * and serializing gives them back. Express's body-parser is JSON.parse already.
 */
export const JSON_KEYS_AS_SENT = {
  onProtoPoisoning: 'ignore',
  onConstructorPoisoning: 'ignore',
} as const;
