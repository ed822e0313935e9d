// Anomaly mode: nodes remember the stack of the forward call that created them, and the engine checks
// backward results for NaN.
import './grad-mode.js'; // defines Symbol.dispose where the runtime lacks it
import { warn } from '../tensor/warnings.js';
import { boolOption, optionsArg } from '../tensor/args.js';

let enabled = false;
let checkNan = true;

export function isAnomalyEnabled(): boolean {
  return enabled;
}

export function isAnomalyCheckNanEnabled(): boolean {
  return checkNan;
}

/** Restores the previous anomaly mode when disposed. */
export class AnomalyModeGuard implements Disposable {
  private disposed = false;
  constructor(
    private readonly previousEnabled: boolean,
    private readonly previousCheckNan: boolean,
  ) {}

  [Symbol.dispose](): void {
    if (this.disposed) return;
    this.disposed = true;
    enabled = this.previousEnabled;
    checkNan = this.previousCheckNan;
  }
}

function enter(mode: boolean, nan: boolean): AnomalyModeGuard {
  const guard = new AnomalyModeGuard(enabled, checkNan);
  enabled = mode;
  checkNan = nan;
  return guard;
}

export interface AnomalyOptions {
  /** Raise when a backward node returns NaN (default true). */
  checkNan?: boolean;
}

function runWith<T>(guard: AnomalyModeGuard, fn: () => T): T {
  try {
    return fn();
  } finally {
    guard[Symbol.dispose]();
  }
}

/**
 * `torch.autograd.set_detect_anomaly(mode)`: sets anomaly mode immediately. The returned guard restores
 * the previous mode when disposed (`using`); with a callback, the mode holds only for the callback.
 */
export function setDetectAnomaly(mode: boolean, options?: AnomalyOptions): AnomalyModeGuard;
export function setDetectAnomaly<T>(mode: boolean, fn: () => T): T;
export function setDetectAnomaly<T>(mode: boolean, options: AnomalyOptions, fn: () => T): T;
export function setDetectAnomaly<T>(
  mode: boolean,
  fnOrOptions?: AnomalyOptions | (() => T),
  maybeFn?: () => T,
): T | AnomalyModeGuard {
  if (typeof mode !== 'boolean') throw new TypeError(`set_detect_anomaly(): argument 'mode' must be bool, not ${typeof mode}`);
  const fn = typeof fnOrOptions === 'function' ? fnOrOptions : maybeFn;
  const options = optionsArg(typeof fnOrOptions === 'function' ? undefined : fnOrOptions, 'set_detect_anomaly');
  boolOption(options.checkNan, 'set_detect_anomaly', 'check_nan');
  const guard = enter(mode, options?.checkNan ?? true);
  return fn === undefined ? guard : runWith(guard, fn);
}

const ENABLE_WARNING =
  'Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging.';

/**
 * `torch.autograd.detect_anomaly()`: enables anomaly mode until the returned guard is disposed
 * (`using`), or for the callback. Warns as PyTorch does.
 */
export function detectAnomaly(options?: AnomalyOptions): AnomalyModeGuard;
export function detectAnomaly<T>(fn: () => T, options?: AnomalyOptions): T;
export function detectAnomaly<T>(fnOrOptions?: (() => T) | AnomalyOptions, maybeOptions?: AnomalyOptions): T | AnomalyModeGuard {
  const fn = typeof fnOrOptions === 'function' ? fnOrOptions : undefined;
  const options = optionsArg(typeof fnOrOptions === 'function' ? maybeOptions : fnOrOptions, 'detectAnomaly');
  boolOption(options.checkNan, 'detectAnomaly', 'check_nan');
  warn(ENABLE_WARNING);
  const guard = enter(true, options?.checkNan ?? true);
  return fn === undefined ? guard : runWith(guard, fn);
}

/** The forward stack recorded for a node while anomaly mode is on. */
export function captureForwardStack(): string | undefined {
  if (!enabled) return undefined;
  // V8 keeps 10 frames by default, which tstorch's own frames can use up; anomaly mode is for debugging.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  let stack: string;
  try {
    stack = new Error().stack ?? '';
  } finally {
    Error.stackTraceLimit = limit;
  }
  // Drop the "Error" line and tstorch's own frames so the user's call comes first.
  return stack
    .split('\n')
    .slice(1)
    .filter((line) => !/[\\/](src|dist[\\/]src)[\\/](autograd|ops|tensor)[\\/]/.test(line))
    .join('\n');
}
