// Anomaly mode: nodes remember the stack of the forward call that created them, and the engine checks
// backward results for NaN.
import './grad-mode.js'; // defines Symbol.dispose where the runtime lacks it

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

/** Sets anomaly mode immediately; the guard (or the callback form) restores the previous mode. */
export function setDetectAnomaly(mode: boolean, options?: { checkNan?: boolean }): AnomalyModeGuard {
  if (typeof mode !== 'boolean') throw new TypeError(`set_detect_anomaly(): argument 'mode' must be bool, not ${typeof mode}`);
  return enter(mode, options?.checkNan ?? true);
}

const ENABLE_WARNING =
  'Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging.';

/** `torch.autograd.detectAnomaly()`: a disposable, or a callback form. Warns as PyTorch does. */
export function detectAnomaly(options?: { checkNan?: boolean }): AnomalyModeGuard;
export function detectAnomaly<T>(fn: () => T, options?: { checkNan?: boolean }): T;
export function detectAnomaly<T>(
  fnOrOptions?: (() => T) | { checkNan?: boolean },
  maybeOptions?: { checkNan?: boolean },
): T | AnomalyModeGuard {
  const fn = typeof fnOrOptions === 'function' ? fnOrOptions : undefined;
  const options = typeof fnOrOptions === 'function' ? maybeOptions : fnOrOptions;
  console.warn(`UserWarning: ${ENABLE_WARNING}`);
  const guard = enter(true, options?.checkNan ?? true);
  if (fn === undefined) return guard;
  try {
    return fn();
  } finally {
    guard[Symbol.dispose]();
  }
}

/** The forward stack recorded for a node while anomaly mode is on. */
export function captureForwardStack(): string | undefined {
  if (!enabled) return undefined;
  const stack = new Error().stack ?? '';
  // Drop the "Error" line and tstorch's own frames so the user's call comes first.
  return stack
    .split('\n')
    .slice(1)
    .filter((line) => !/[\\/](src|dist[\\/]src)[\\/](autograd|ops|tensor)[\\/]/.test(line))
    .join('\n');
}
