// Looking up the page's elements; a missing one is a bug in index.html, said at once.
export function byId<T extends Element = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el as Element as T;
}
