// A module resolution hook for TensorFlow.js's ES module files, registered by the TF.js worker only.
// tfjs-core's gradients exist only as ES modules (dist/register_all_gradients.js and the files it
// imports), written for bundlers: their relative imports leave out the ".js" that Node requires. The
// hook adds it for imports from inside @tensorflow/. The gradients register themselves in a registry
// kept on globalThis, which the CommonJS build of tfjs-core that the wasm backend uses reads as well.
interface ResolveContext { parentURL?: string }
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<{ url: string }> {
  const fromTfjs = context.parentURL?.includes('/node_modules/@tensorflow/') === true;
  if (fromTfjs && specifier.startsWith('.') && !specifier.endsWith('.js')) return next(`${specifier}.js`, context);
  return next(specifier, context);
}
