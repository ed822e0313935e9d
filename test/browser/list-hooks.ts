// Module resolution hook of list-tests.ts: node:test, imported by anything but the stand-in itself,
// resolves to the stand-in (list-node-test.ts).
import type { ResolveHook } from 'node:module';

const STAND_IN = new URL('./list-node-test.js', import.meta.url).href;

export const resolve: ResolveHook = (specifier, context, next) =>
  specifier === 'node:test' && context.parentURL !== STAND_IN ? { url: STAND_IN, shortCircuit: true } : next(specifier, context);
