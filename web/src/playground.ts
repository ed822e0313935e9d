// Runs the code typed in the editor (in the playground's worker) and describes what the page shows: the
// top-level variables and the value of a last line that is an expression, as PyTorch prints them, the
// gradients, what `print` printed, the error, and the graph's layout.
import * as torch from 'tstorch';
import { graphOf, namedTensors, type GraphView, type NamedValue } from './graph.js';

/** A value as the page shows it: its name over its printed form. */
export interface ValueView {
  readonly name: string;
  readonly text: string;
}

export interface RunView {
  readonly printed: string[];
  readonly values: ValueView[];
  readonly gradients: ValueView[];
  /** The error as PyTorch words it, or null when the program ran to its end. */
  readonly error: string | null;
  readonly graph: GraphView | null;
}

type Program = (torchNamespace: typeof torch, print: (...values: unknown[]) => void) => unknown[];

/** Python's str() of a value inside print and the variable list: None, True/False, lists in brackets. */
function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return `[${value.map(pyStr).join(', ')}]`;
  return String(value);
}

/**
 * The names declared at the start of a line by const/let/var, in order: the program's top-level variables
 * (indented declarations are taken to be inside blocks, where the returned list could not see them).
 */
function declaredNames(source: string): string[] {
  const names = [...source.matchAll(/^(?:const|let|var)\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
  return [...new Set(names)];
}

const PRELUDE = 'const { nn } = torch; const F = nn.functional;\n';

/**
 * Compiles the program into a function returning its variables' values and, when the last line is an
 * expression, that expression's value (first). The lines before it must parse on their own, so that a
 * last line that is the body of a `while (...)` above stays that; otherwise, and when the last line is no
 * expression (a declaration, a closing brace, a comment), the whole source is one body.
 */
function compile(source: string, names: string[]): { program: Program; expression: string | null } {
  const lines = source.replace(/\s+$/, '').split('\n');
  const last = lines[lines.length - 1].trim().replace(/;$/, '');
  const head = lines.slice(0, -1).join('\n');
  const collect = `[${names.join(', ')}]`;
  if (last !== '' && !/^(?:const|let|var)\s/.test(last)) {
    try {
      new Function(head);
      return { program: new Function('torch', 'print', `${PRELUDE}${head}\nreturn [(${last}\n), ...${collect}];`) as Program, expression: last };
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
    }
  }
  return { program: new Function('torch', 'print', `${PRELUDE}${source}\nreturn ${collect};`) as Program, expression: null };
}

/** The error as the page shows it: PyTorch's message; JavaScript's own errors keep their kind. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `Uncaught ${pyStr(error)}`;
  return error.constructor === Error ? error.message : `${error.name}: ${error.message}`;
}

/**
 * The gradients a user looks for after backward: those the named tensors and the modules' parameters
 * received. Only leaves and tensors that retain their gradient have one (reading any other's warns, as
 * in PyTorch).
 */
function gradients(values: readonly NamedValue[]): ValueView[] {
  return namedTensors(values).flatMap(({ name, value }) =>
    (value.isLeaf || value.retainsGrad) && value.grad !== null ? [{ name: `${name}.grad`, text: String(value.grad) }] : [],
  );
}

/** Runs `source` and describes the outcome; never throws. */
export function runProgram(source: string): RunView {
  const printed: string[] = [];
  const print = (...values: unknown[]): void => {
    printed.push(values.map((v) => (typeof v === 'string' ? v : pyStr(v))).join(' '));
  };
  // Warnings go where print's output goes, as Python's go to the same terminal.
  const restoreWarnings = torch.catchWarnings((category, message) => printed.push(`${category}: ${message}`));
  try {
    const names = declaredNames(source);
    const { program, expression } = compile(source, names);
    const results = program(torch, print);
    const values: NamedValue[] = names.map((name, i) => ({ name, value: results[expression === null ? i : i + 1] }));
    if (expression !== null && results[0] !== undefined) values.push({ name: expression, value: results[0] });
    return {
      printed,
      values: values.map(({ name, value }) => ({ name, text: pyStr(value) })),
      gradients: gradients(values),
      error: null,
      graph: graphOf(values),
    };
  } catch (error) {
    return { printed, values: [], gradients: [], error: describeError(error), graph: null };
  } finally {
    restoreWarnings();
  }
}
