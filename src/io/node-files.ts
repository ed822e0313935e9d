// Node's file system, for the path forms of torch.save, torch.load and safeOpen. node:fs is imported
// only inside these functions, behind a Node check, so that browser bundles leave it out (tools/bundle.mjs
// rejects any static node: import) and a browser never runs it; the webpackIgnore comments keep webpack,
// which cannot resolve node: modules for browsers, from trying.
import type { ByteSource } from './safetensors.js';

export function isNode(): boolean {
  return typeof process !== 'undefined' && process.versions?.node !== undefined;
}

export async function writeFile(path: string, bytes: Uint8Array): Promise<void> {
  const fs = await import(/* webpackIgnore: true */ 'node:fs/promises');
  await fs.writeFile(path, bytes);
}

/** The file at `path`, read piece by piece through a file handle (closed by the source's close()). */
export async function fileSource(path: string): Promise<ByteSource> {
  const fs = await import(/* webpackIgnore: true */ 'node:fs/promises');
  const handle = await fs.open(path, 'r');
  try {
    const { size } = await handle.stat();
    return {
      size,
      async read(offset, length) {
        const buffer = new Uint8Array(length);
        for (let done = 0; done < length; ) {
          const { bytesRead } = await handle.read(buffer, done, length - done, offset + done);
          if (bytesRead === 0) throw new Error(`safeOpen: ${path} ended early (was it truncated while open?)`);
          done += bytesRead;
        }
        return buffer;
      },
      close: () => handle.close(),
    };
  } catch (e) {
    await handle.close();
    throw e;
  }
}
