// Next's ambient types (CSS imports, image modules) for a type check without a build;
// `next build` writes next-env.d.ts with the same reference.
/// <reference types="next" />
