// The fuzzing engine for the file parsers: a seeded generator of mutated inputs, and the property every
// parser must hold on each of them. Everything is a function of (campaign seed, format, input index),
// so a failure is reproduced from the numbers it prints: `npm run fuzz -- --format F --replay S`.
//
// The property: the parser returns a well-formed value (the seed's own value when only bytes the format
// ignores were changed) or throws an Error of the library's making whose text names the format; it
// never throws an engine error (RangeError, TypeError, ...), never takes longer than a bound, and never
// holds more memory than the input justifies.
import { Tensor } from 'tstorch';

/** mulberry32: small, fast, and good enough to pick mutations. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.u32() / 0x100000000) * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }

  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.u32() & 0xff);
  }
}

/** The seed of input `index` of a campaign: a hash, so that any input is made without the others. */
export function inputSeed(campaignSeed: number, format: string, index: number): number {
  let h = 0x811c9dc5 ^ campaignSeed;
  for (const c of `${format}:${index}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return new Rng(h).u32();
}

/** A valid file a format's inputs are made from. */
export interface SeedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** One mutated input and how it was made. */
export interface Mutant {
  readonly bytes: Uint8Array;
  /** The steps, in words, for the failure report. */
  readonly recipe: string[];
  /** Only bytes the format ignores were changed: the parser must return what it returns for the seed. */
  readonly unchanged?: boolean;
}

/**
 * A mutation of one seed (`all` are the format's seeds, for splicing); it may decline (return null)
 * when the seed has nothing it can change.
 */
export type Mutator<S extends SeedFile> = (rng: Rng, seed: S, all: readonly S[]) => Mutant | null;

/** A format as its module describes it: seeds of its own kind and mutators that know that kind. */
export interface FormatSpec<S extends SeedFile> {
  readonly name: string;
  readonly seeds: readonly S[];
  /** Mutators and their weights; the engine adds generic byte-level ones and may stack them on these. */
  readonly mutators: readonly (readonly [Mutator<S>, number])[];
  /** Loads the input as a user would (several entry points where the format has them). */
  parse(bytes: Uint8Array): unknown;
  /** What `${error.name}: ${error.message}` must match: the format named. */
  readonly errorPattern: RegExp;
  /** The most bytes the tensors loaded from this input may hold: what its size (or its header) justifies. */
  justified(bytes: Uint8Array): number;
}

/** A format as the engine runs it: mutators take the index of a seed. */
export interface FuzzFormat extends Omit<FormatSpec<SeedFile>, 'mutators'> {
  readonly mutators: readonly (readonly [(rng: Rng, seed: number) => Mutant | null, number])[];
}

export function defineFormat<S extends SeedFile>(spec: FormatSpec<S>): FuzzFormat {
  const bind = (mutate: Mutator<S>) => (rng: Rng, i: number) => mutate(rng, spec.seeds[i], spec.seeds);
  return { ...spec, parse: (bytes) => spec.parse(bytes), justified: (bytes) => spec.justified(bytes), mutators: spec.mutators.map(([m, w]) => [bind(m), w] as const) };
}

export interface Outcome {
  /** 'ok', or the error's message with numbers blanked (for counting distinct errors). */
  readonly kind: string;
  /** Processor time taken. */
  readonly ms: number;
  /** Why the property failed, or undefined. */
  readonly failure?: string;
}

/** JavaScript engine errors: thrown from inside the library, they mean an unchecked input. */
const ENGINE_ERRORS = [RangeError, TypeError, ReferenceError, SyntaxError, EvalError, URIError];

/** Memory a parse may use on the way: this many copies of its input and its result, plus the slack. */
const TRANSIENT_COPIES = 4;
const TRANSIENT_SLACK = 4 * 2 ** 20;

/**
 * The processor time one input may take; a parser takes milliseconds. Processor time, not wall time,
 * so that other processes on a busy machine do not make a slow input of a fast one.
 */
export const TIME_LIMIT_MS = 3000;

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs one input and checks the property. `expected` is what the seed loads as, for unchanged mutants. */
export async function runInput(format: FuzzFormat, mutant: Mutant, expected?: string): Promise<Outcome> {
  const before = process.memoryUsage().arrayBuffers;
  const start = cpuMs();
  let value: unknown;
  let error: unknown;
  let threw = false;
  try {
    value = await format.parse(mutant.bytes);
  } catch (e) {
    threw = true;
    error = e;
  }
  const ms = cpuMs() - start;
  const grown = process.memoryUsage().arrayBuffers - before;
  const problems: string[] = [];
  if (ms > TIME_LIMIT_MS) problems.push(`took ${ms.toFixed(0)} ms (limit ${TIME_LIMIT_MS})`);
  const allowance = format.justified(mutant.bytes);
  let kind = 'ok';
  let held = 0;
  if (threw) {
    kind = errorKind(error);
    problems.push(...errorProblems(format, error));
    if (mutant.unchanged === true && expected !== undefined && `error ${kind}` !== expected) problems.push(`only ignored bytes were changed, but it raised ${kind} instead of ${expected}`);
  } else {
    let digest = '';
    try {
      const walk = describeValue(value);
      digest = walk.digest;
      held = walk.bytes;
      if (held > allowance) problems.push(`the result holds ${held} bytes for ${mutant.bytes.length} input bytes (allowed ${allowance})`);
    } catch (e) {
      problems.push(`the result is malformed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (mutant.unchanged === true && expected !== undefined && digest !== expected) problems.push('only ignored bytes were changed, but the result differs from the seed\'s');
  }
  // Working memory: a few copies of the input and of what it justifies (inflated data, decoded elements).
  const transient = TRANSIENT_COPIES * (mutant.bytes.length + allowance) + TRANSIENT_SLACK;
  if (grown > transient) problems.push(`ArrayBuffer memory grew by ${grown} bytes for ${mutant.bytes.length} input bytes justifying ${allowance} (allowed ${transient})`);
  return { kind, ms, failure: problems.length > 0 ? problems.join('; ') : undefined };
}

function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return `non-Error ${typeof error}`;
  // Numbers, tensor and entry names, and the snippets of JSON.parse's messages blanked: one kind of
  // error counts once however many inputs raise it.
  return `${error.name}: ${error.message}`.replace(/\d+/g, 'N').replace(/`[^`]*`/g, '`…`').replace(/entries \S+ and \S+/g, 'entries … and …').replace(/(entry|entries|locating file) \S+/g, '$1 …').replace(/\.\.\."[\s\S]*?"\.\.\./g, '…').replace(/token '[\s\S]'/g, "token '…'").slice(0, 160);
}

function errorProblems(format: FuzzFormat, error: unknown): string[] {
  if (!(error instanceof Error)) return [`threw a non-Error: ${String(error)}`];
  const text = `${error.name}: ${error.message}`;
  const engine = ENGINE_ERRORS.find((E) => error.constructor === E);
  if (engine !== undefined) return [`engine error from inside the parser: ${text}\n${error.stack ?? ''}`];
  if (error.message.trim() === '') return [`empty error message (${error.name})`];
  if (!format.errorPattern.test(text)) return [`the error does not name the format (${format.errorPattern}): ${text}`];
  return [];
}

/** 32-bit FNV-1a, to fingerprint tensor bytes. */
function fnv(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/**
 * A fingerprint of a loaded value (structure, dtypes, shapes, element bytes) and the bytes its tensors
 * hold; throws when a tensor is malformed (bad sizes, elements outside its storage).
 */
export function describeValue(root: unknown): { digest: string; bytes: number } {
  const seen = new Map<object, number>();
  const storages = new Set<unknown>();
  let bytes = 0;
  const walk = (v: unknown): string => {
    // Hexadecimal: a bigint's decimal form takes time quadratic in its length.
    if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? `0x${v.toString(16)}n` : JSON.stringify(v) ?? String(v);
    const ref = seen.get(v);
    if (ref !== undefined) return `@${ref}`;
    seen.set(v, seen.size);
    if (v instanceof Tensor) {
      const shape = v.shape;
      const strides = v.stride();
      const offset = v.storageOffset();
      const storage = v.untypedStorage();
      if (!shape.every((s) => Number.isSafeInteger(s) && s >= 0)) throw new Error(`tensor shape [${shape}]`);
      if (!strides.every((s) => Number.isSafeInteger(s) && s >= 0) || strides.length !== shape.length) throw new Error(`tensor strides [${strides}]`);
      if (!(Number.isSafeInteger(offset) && offset >= 0)) throw new Error(`tensor offset ${offset}`);
      if (!shape.includes(0)) {
        const last = shape.reduce((end, s, i) => end + (s - 1) * strides[i], offset);
        if (last >= storage.length) throw new Error(`tensor [${shape}] reads element ${last} of a storage of ${storage.length}`);
      }
      if (!storages.has(storage)) {
        storages.add(storage);
        bytes += storage.data.byteLength;
      }
      // A view repeating elements (zero strides, as PyTorch allows) may stand for more elements than
      // memory holds: fingerprint its storage and layout instead of its elements.
      const repeats = shape.reduce((n, s) => n * s, 1) > storage.length;
      const data = repeats ? storage.data : v.contiguousData();
      const layout = repeats ? `/${strides}+${offset}` : '';
      return `T(${v.dtype.name}[${shape}]${layout}#${fnv(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))}${v.requiresGrad ? ',grad' : ''})`;
    }
    if (v instanceof Uint8Array) return `b#${fnv(v)}`;
    if (v instanceof Map) return `M{${[...v].map(([k, x]) => `${walk(k)}:${walk(x)}`).join(',')}}`;
    if (v instanceof Set) return `S{${[...v].map(walk).join(',')}}`;
    if (Array.isArray(v)) return `${Object.isFrozen(v) ? 't' : 'l'}[${v.map(walk).join(',')}]`;
    return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${walk(x)}`).join(',')}}`;
  };
  const text = walk(root);
  return { digest: `${text.length}:${fnv(new TextEncoder().encode(text))}`, bytes };
}

/** How input `index` of a campaign is made: a seed file, one mutation, then maybe generic ones. */
export function makeInput(format: FuzzFormat, campaignSeed: number, index: number): { seed: SeedFile; mutant: Mutant; inputSeed: number } {
  const s = inputSeed(campaignSeed, format.name, index);
  return { ...mutantOf(format, s), inputSeed: s };
}

/** The input a per-input seed stands for (what `--replay` rebuilds). */
export function mutantOf(format: FuzzFormat, s: number): { seed: SeedFile; mutant: Mutant } {
  const rng = new Rng(s);
  const index = rng.below(format.seeds.length);
  const seed = format.seeds[index];
  const generic = GENERIC_MUTATORS.map(([m, w]) => [(r: Rng, i: number) => m(r, format.seeds[i], format.seeds), w] as const);
  const all = [...format.mutators, ...generic];
  const total = all.reduce((sum, [, w]) => sum + w, 0);
  let mutant: Mutant | null = null;
  while (mutant === null) {
    let r = rng.below(total);
    const [mutate] = all.find(([, w]) => (r -= w) < 0) ?? all[0];
    mutant = mutate(rng, index);
  }
  // Stacking a few byte-level changes on a structural one reaches states neither reaches alone.
  let extra = rng.chance(0.25) ? 1 + rng.below(3) : 0;
  while (extra-- > 0) {
    const [mutate] = rng.pick(GENERIC_MUTATORS);
    const next = mutate(rng, { name: seed.name, bytes: mutant.bytes }, format.seeds);
    if (next !== null) mutant = { bytes: next.bytes, recipe: [...mutant.recipe, ...next.recipe] };
  }
  return { seed, mutant: { ...mutant, recipe: [`seed ${seed.name} (${seed.bytes.length} bytes)`, ...mutant.recipe] } };
}

// ---- generic byte-level mutators ----

/** Values that break size arithmetic, for fields of `width` bytes. */
export function interestingValues(width: 1 | 2 | 4 | 8, current: bigint): bigint[] {
  const max = (1n << BigInt(8 * width)) - 1n;
  const values = [0n, 1n, 2n, 7n, 8n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
    2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, max, max - 1n, current + 1n, current - 1n, current * 2n, current + 64n, current - 64n];
  return values.filter((v) => v >= 0n && v <= max);
}

/** Writes an unsigned integer of `width` bytes at `offset` (in a copy). */
export function withUint(bytes: Uint8Array, offset: number, width: 1 | 2 | 4 | 8, value: bigint, littleEndian: boolean): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  if (width === 1) view.setUint8(offset, Number(value));
  else if (width === 2) view.setUint16(offset, Number(value), littleEndian);
  else if (width === 4) view.setUint32(offset, Number(value), littleEndian);
  else view.setBigUint64(offset, value, littleEndian);
  return out;
}

export function readUint(bytes: Uint8Array, offset: number, width: 1 | 2 | 4 | 8, littleEndian: boolean): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (width === 1) return BigInt(view.getUint8(offset));
  if (width === 2) return BigInt(view.getUint16(offset, littleEndian));
  if (width === 4) return BigInt(view.getUint32(offset, littleEndian));
  return view.getBigUint64(offset, littleEndian);
}

/** A named integer field of a seed, for structure-aware mutations. */
export interface Field {
  readonly name: string;
  readonly offset: number;
  readonly width: 1 | 2 | 4 | 8;
  readonly littleEndian: boolean;
}

/** Sets one of `fields` to a value that breaks size arithmetic. */
export function mutateField(rng: Rng, bytes: Uint8Array, fields: readonly Field[]): Mutant | null {
  if (fields.length === 0) return null;
  const f = rng.pick(fields);
  const value = rng.chance(0.1) ? BigInt(rng.u32()) & ((1n << BigInt(8 * f.width)) - 1n) : rng.pick(interestingValues(f.width, readUint(bytes, f.offset, f.width, f.littleEndian)));
  return { bytes: withUint(bytes, f.offset, f.width, value, f.littleEndian), recipe: [`set ${f.name} (u${8 * f.width} at ${f.offset}) to ${value}`] };
}

/** Changes bytes the format ignores to other values: the result must not change. */
export function mutateIgnored(rng: Rng, bytes: Uint8Array, ranges: readonly (readonly [number, number, string])[]): Mutant | null {
  if (ranges.length === 0) return null;
  const [start, end, what] = rng.pick(ranges);
  const out = bytes.slice();
  for (let i = start; i < end; i++) out[i] = rng.u32() & 0xff;
  return { bytes: out, recipe: [`randomize ignored bytes ${start}..${end} (${what})`], unchanged: true };
}

export function splice(bytes: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, at));
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}

/** Truncates just before, at or after one of `boundaries` (the ends of records, headers, fields). */
export function truncateAt(rng: Rng, bytes: Uint8Array, boundaries: readonly number[]): Mutant | null {
  if (boundaries.length === 0) return null;
  const n = Math.max(0, Math.min(bytes.length, rng.pick(boundaries) + rng.pick([-1, 0, 0, 1])));
  return { bytes: bytes.slice(0, n), recipe: [`truncate to ${n} bytes (a boundary)`] };
}

export const GENERIC_MUTATORS: readonly (readonly [Mutator<SeedFile>, number])[] = [
  [(rng, { bytes }, all) => {
    const donor = rng.pick(all);
    const other = donor.bytes;
    if (bytes.length === 0 || other.length === 0) return null;
    const from = rng.below(other.length);
    const n = 1 + rng.below(Math.min(512, other.length - from));
    const at = rng.below(bytes.length + 1);
    const remove = rng.below(Math.min(512, bytes.length - at) + 1);
    return { bytes: splice(bytes, at, remove, other.slice(from, from + n)), recipe: [`replace ${remove} bytes at ${at} with ${n} bytes from ${from} of ${donor.name}`] };
  }, 1],
  [(rng, { bytes }) => {
    if (bytes.length === 0) return null;
    const at = rng.below(bytes.length);
    const bit = rng.below(8);
    const out = bytes.slice();
    out[at] ^= 1 << bit;
    return { bytes: out, recipe: [`flip bit ${bit} of byte ${at}`] };
  }, 3],
  [(rng, { bytes }) => {
    if (bytes.length === 0) return null;
    const at = rng.below(bytes.length);
    const value = rng.pick([0, 1, 0x7f, 0x80, 0xff, rng.u32() & 0xff]);
    const out = bytes.slice();
    out[at] = value;
    return { bytes: out, recipe: [`set byte ${at} to ${value}`] };
  }, 3],
  [(rng, { bytes }) => {
    const n = rng.below(bytes.length + 1);
    return { bytes: bytes.slice(0, n), recipe: [`truncate to ${n} bytes`] };
  }, 1],
  [(rng, { bytes }) => {
    const at = rng.below(bytes.length + 1);
    const insert = rng.chance(0.5) ? rng.bytes(1 + rng.below(16)) : new Uint8Array(1 + rng.below(64)).fill(rng.pick([0, 0xff]));
    return { bytes: splice(bytes, at, 0, insert), recipe: [`insert ${insert.length} bytes at ${at}`] };
  }, 1],
  [(rng, { bytes }) => {
    if (bytes.length === 0) return null;
    const at = rng.below(bytes.length);
    const n = 1 + rng.below(Math.min(64, bytes.length - at));
    return { bytes: splice(bytes, at, n, new Uint8Array(0)), recipe: [`delete ${n} bytes at ${at}`] };
  }, 1],
  [(rng, { bytes }) => {
    if (bytes.length === 0) return null;
    const from = rng.below(bytes.length);
    const n = 1 + rng.below(Math.min(256, bytes.length - from));
    const to = rng.below(bytes.length + 1);
    return { bytes: splice(bytes, to, 0, bytes.slice(from, from + n)), recipe: [`duplicate ${n} bytes from ${from} at ${to}`] };
  }, 1],
  [(rng, { bytes }) => {
    if (bytes.length < 2) return null;
    const from = rng.below(bytes.length);
    const n = 1 + rng.below(Math.min(256, bytes.length - from));
    const to = rng.below(bytes.length - n + 1);
    const out = bytes.slice();
    out.set(bytes.subarray(from, from + n), to);
    return { bytes: out, recipe: [`overwrite ${n} bytes at ${to} with those at ${from}`] };
  }, 1],
  [(rng, { bytes }) => {
    const width = rng.pick([2, 4, 8] as const);
    if (bytes.length < width) return null;
    const at = rng.below(bytes.length - width + 1);
    const littleEndian = rng.chance(0.7);
    const value = rng.pick(interestingValues(width, readUint(bytes, at, width, littleEndian)));
    return { bytes: withUint(bytes, at, width, value, littleEndian), recipe: [`write u${8 * width} ${littleEndian ? 'LE' : 'BE'} ${value} at ${at}`] };
  }, 2],
];

// ---- campaigns ----

export interface Failure {
  readonly format: string;
  readonly campaignSeed: number;
  readonly index: number;
  readonly inputSeed: number;
  readonly recipe: readonly string[];
  readonly problem: string;
}

export interface CampaignReport {
  readonly format: string;
  inputs: number;
  loaded: number;
  seconds: number;
  /** Distinct errors (numbers blanked) and how often each was raised. */
  readonly errors: Map<string, number>;
  readonly failures: Failure[];
  /** The slowest input: processor milliseconds, and its input seed. */
  slowest: number;
  slowestInput: number;
}

export interface CampaignOptions {
  readonly seed: number;
  /** Stop after this many inputs, or after `seconds`, whichever comes first. */
  readonly inputs?: number;
  readonly seconds?: number;
  /** The first input's index (to resume a campaign). */
  readonly start?: number;
  /** Called before each input (a watchdog records where a hang happened). */
  readonly onInput?: (index: number) => void;
  /** Stop at this many failures. */
  readonly maxFailures?: number;
}

/** The digests of the seeds' own values, for mutants that must load as their seed. */
const seedDigests = new WeakMap<SeedFile, string>();

/** What a seed loads as: its value's digest, or the error it raises (some seeds are refused on purpose). */
async function seedDigest(format: FuzzFormat, seed: SeedFile): Promise<string> {
  let digest = seedDigests.get(seed);
  if (digest === undefined) {
    try {
      digest = describeValue(await format.parse(seed.bytes)).digest;
    } catch (e) {
      digest = `error ${errorKind(e)}`;
    }
    seedDigests.set(seed, digest);
  }
  return digest;
}

export function describeFailure(f: Failure): string {
  return [
    `${f.format} input ${f.index} of campaign seed ${f.campaignSeed} (input seed ${f.inputSeed}): ${f.problem}`,
    ...f.recipe.map((r) => `  - ${r}`),
    `  replay: npm run fuzz -- --format ${f.format} --replay ${f.inputSeed}`,
  ].join('\n');
}

export async function runCampaign(format: FuzzFormat, options: CampaignOptions): Promise<CampaignReport> {
  const report: CampaignReport = { format: format.name, inputs: 0, loaded: 0, seconds: 0, errors: new Map(), failures: [], slowest: 0, slowestInput: 0 };
  const start = performance.now();
  const deadline = options.seconds === undefined ? Infinity : start + 1000 * options.seconds;
  for (let index = options.start ?? 0; report.inputs < (options.inputs ?? Infinity) && performance.now() < deadline; index++) {
    options.onInput?.(index);
    const { seed, mutant, inputSeed: s } = makeInput(format, options.seed, index);
    const outcome = await runInput(format, mutant, mutant.unchanged === true ? await seedDigest(format, seed) : undefined);
    report.inputs++;
    if (outcome.ms > report.slowest) {
      report.slowest = outcome.ms;
      report.slowestInput = s;
    }
    if (outcome.kind === 'ok') report.loaded++;
    else report.errors.set(outcome.kind, (report.errors.get(outcome.kind) ?? 0) + 1);
    if (outcome.failure !== undefined) {
      report.failures.push({ format: format.name, campaignSeed: options.seed, index, inputSeed: s, recipe: mutant.recipe, problem: outcome.failure });
      if (report.failures.length >= (options.maxFailures ?? Infinity)) break;
    }
  }
  report.seconds = (performance.now() - start) / 1000;
  return report;
}
