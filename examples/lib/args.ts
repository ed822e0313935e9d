// Command-line options for the examples: `--name value` or `--name=value`, typed, with defaults and a
// --help text. Built on Node's util.parseArgs, which does the splitting and rejects unknown options.
import { parseArgs as nodeParseArgs } from 'node:util';

export type OptionKind = 'int' | 'number' | 'string';

export interface OptionSpec {
  kind: OptionKind;
  default: number | string;
  help: string;
  /** The option's domain for numbers, e.g. `{ test: (v) => v > 0, adjective: 'positive' }`. */
  domain?: { test: (value: number) => boolean; adjective: string };
}

type ValueOf<S extends OptionSpec> = S['kind'] extends 'string' ? string : number;
export type Options<Spec extends Record<string, OptionSpec>> = { [K in keyof Spec]: ValueOf<Spec[K]> };

/** The usage text: one line per option, with its default. */
export function usage(program: string, summary: string, spec: Record<string, OptionSpec>): string {
  const lines = Object.entries(spec).map(([name, s]) => {
    const flag = `--${name} ${s.kind === 'string' ? 'PATH' : s.kind === 'int' ? 'N' : 'X'}`;
    return `  ${flag.padEnd(20)} ${s.help} (default: ${s.default})`;
  });
  return [`Usage: ${program} [options]`, '', summary, '', 'Options:', ...lines, `  ${'--help'.padEnd(20)} print this text`].join('\n');
}

function convert(name: string, spec: OptionSpec, text: string): number | string {
  if (spec.kind === 'string') return text;
  const value = Number(text);
  const valid = text.trim() !== '' && Number.isFinite(value) && (spec.kind === 'number' || Number.isInteger(value)) && (spec.domain?.test(value) ?? true);
  if (!valid) {
    const expected = [spec.domain?.adjective, spec.kind === 'int' ? 'integer' : 'number'].filter(Boolean).join(' ');
    throw new Error(`option --${name}: invalid value '${text}' (expected ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected})`);
  }
  return value;
}

/**
 * The options given on the command line, defaults filled in. On --help prints the usage and exits 0;
 * on a bad option prints the problem and the usage to stderr and exits 2.
 */
export function parseOptions<Spec extends Record<string, OptionSpec>>(program: string, summary: string, spec: Spec, argv: string[] = process.argv.slice(2)): Options<Spec> {
  const text = usage(program, summary, spec);
  try {
    const { values } = nodeParseArgs({
      args: argv,
      options: { help: { type: 'boolean' }, ...Object.fromEntries(Object.keys(spec).map((name) => [name, { type: 'string' as const }])) },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      console.log(text);
      process.exit(0);
    }
    const record = values as Record<string, string | undefined>;
    return Object.fromEntries(
      Object.entries(spec).map(([name, s]) => [name, record[name] === undefined ? s.default : convert(name, s, record[name])]),
    ) as Options<Spec>;
  } catch (e) {
    console.error(`${program}: ${(e as Error).message}\n\n${text}`);
    process.exit(2);
  }
}
