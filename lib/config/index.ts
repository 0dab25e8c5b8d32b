export { environments } from './environments';
export { resolveEnvironment, type ContextOverrides } from './resolve';
export * from './types';
export { ConfigValidationError, validateEnvironmentConfig } from './validate';
export { listingLookback } from './listing-lookback';
