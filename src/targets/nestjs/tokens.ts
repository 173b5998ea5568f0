/** DI tokens for values that are not classes (interfaces have no runtime identity). */
export const TARGET_CONFIG = Symbol('TARGET_CONFIG');
export const TARGET_META = Symbol('TARGET_META');
/** The scenario 09–13 DataLayer (src/data) the target opened for LAB_DATA_LAYER. */
export const DATA_LAYER = Symbol('DATA_LAYER');
