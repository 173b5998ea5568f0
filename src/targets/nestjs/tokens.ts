/** DI tokens for values that are not classes (interfaces have no runtime identity). */
export const TARGET_CONFIG = Symbol('TARGET_CONFIG');
export const TARGET_META = Symbol('TARGET_META');
/** The scenario 09–13 DataLayer (src/data) the target opened for LAB_DATA_LAYER. */
export const DATA_LAYER = Symbol('DATA_LAYER');
/** Scenarios 14–19: the Redis client (src/targets/shared/redis.ts) and the session store. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
export const SESSION_STORE = Symbol('SESSION_STORE');
