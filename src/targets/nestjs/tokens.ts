/** DI tokens for values that are not classes (interfaces have no runtime identity). */
export const TARGET_CONFIG = Symbol('TARGET_CONFIG');
export const TARGET_META = Symbol('TARGET_META');
