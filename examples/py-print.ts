// Python's print() for the examples that mirror a Python program line for line: values separated by
// spaces, None for null, True/False for booleans, tensors and nodes by their repr.
export function pyPrint(...values: unknown[]): void {
  console.log(values.map(pyStr).join(' '));
}

function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}
