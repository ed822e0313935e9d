// node:fs for the browser conformance run: test/helpers.ts reads fixtures with readFileSync, and a page
// cannot read over HTTP synchronously, so the page fetches the fixtures before it imports the tests
// (provideFile) and readFileSync serves them from memory by their URL's path.

const files = new Map<string, string>();

export function provideFile(url: URL, text: string): void {
  files.set(url.pathname, text);
}

export function readFileSync(path: URL | string, encoding: 'utf8'): string {
  if (encoding !== 'utf8') throw new TypeError('the browser node:fs shim reads text only');
  const pathname = new URL(path, location.href).pathname;
  const text = files.get(pathname);
  if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${pathname}' (the page fetched only ${files.size} fixtures)`);
  return text;
}
