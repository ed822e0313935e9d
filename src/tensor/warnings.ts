// Python-style warnings: printed once per distinct message, and observable by tests.

export type WarningHandler = (category: string, message: string) => void;

const shown = new Set<string>();
let handler: WarningHandler | null = null;

/** Emits a warning (`UserWarning` unless another category is given), like Python's `warnings.warn`. */
export function warn(message: string, category = 'UserWarning'): void {
  if (handler) {
    handler(category, message);
    return;
  }
  const key = `${category}: ${message}`;
  if (shown.has(key)) return;
  shown.add(key);
  console.warn(key);
}

/**
 * Routes warnings to `fn` instead of the console until the returned function is called
 * (the equivalent of `warnings.catch_warnings(record=True)`).
 */
export function catchWarnings(fn: WarningHandler): () => void {
  if (typeof fn !== 'function') throw new TypeError(`catchWarnings(): expected a handler function, but got ${fn === null ? 'null' : typeof fn}`);
  const previous = handler;
  handler = fn;
  return () => {
    handler = previous;
  };
}
