// Types of tools/bundle.mjs, for the browser tests that bundle as it does.
import type { BuildOptions } from 'esbuild';

export function browserOptions(shims?: Readonly<Record<string, string>>): BuildOptions;
export function bundle(): Promise<{ raw: number; gzip: number }>;
