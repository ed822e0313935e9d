// Types of tools/bundle.mjs, for the browser tests that reuse its esbuild plugin.
import type { Plugin } from 'esbuild';

export function nodeModules(shims?: Readonly<Record<string, string>>): Plugin;
export function bundle(): Promise<{ raw: number; gzip: number }>;
