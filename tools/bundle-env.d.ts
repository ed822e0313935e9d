// The Node surface that code a browser loads may touch, for the browser type check (tsconfig.browser.json,
// which has no @types/node). Each use must sit behind a Node check, so a browser never runs it, and may
// import node: modules only dynamically (tools/bundle.mjs fails on a static one). Anything else from Node
// in src/ fails the check: add it here only with such a guard.

/** Node's global: absent in browsers, so code must test `typeof process !== 'undefined'` first. */
declare var process: { readonly versions: { readonly node?: string } } | undefined;

/** The file functions of src/io (idx.ts reads; node-files.ts writes and reads pieces of safetensors files). */
declare module 'node:fs/promises' {
  interface FileHandle {
    stat(): Promise<{ size: number }>;
    read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
    close(): Promise<void>;
  }
  export function readFile(path: string): Promise<Uint8Array>;
  export function writeFile(path: string, data: Uint8Array): Promise<void>;
  export function open(path: string, flags: 'r'): Promise<FileHandle>;
}

/** V8's (Chromium's, Node's) and JavaScriptCore's stack depth; anomaly mode raises it while it records. */
interface ErrorConstructor {
  stackTraceLimit: number;
}
