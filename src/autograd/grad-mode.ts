// Grad modes: whether ops record the graph, and inference mode. JavaScript runs one thread, so the
// modes are module state; each mode switch is a callback form or a disposable for `using`.
import { addressOf, nextAddressId } from './address.js';

// `using` compiles (TypeScript's downlevel helpers) to a lookup of Symbol.dispose, which Node added in
// 20.4 and older browsers lack: define it where missing, before the classes below use it as a key.
if (typeof Symbol.dispose !== 'symbol') {
  Object.defineProperty(Symbol, 'dispose', { value: Symbol.for('nodejs.dispose') });
}

let gradEnabled = true;
let inferenceEnabled = false;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

export function isInferenceModeEnabled(): boolean {
  return inferenceEnabled;
}

/**
 * @internal Sets grad mode and returns the mode it replaces, for the engine to put back: each backward
 * switches the mode, and a guard object (with its address) per run was a visible share of small ones.
 */
export function swapGradEnabled(mode: boolean): boolean {
  const previous = gradEnabled;
  gradEnabled = mode;
  return previous;
}

/** Restores the previous mode when disposed (`using _ = torch.noGrad()`). */
export class GradModeGuard implements Disposable {
  // Set in the constructor without class-field definitions: every backward makes a guard.
  private declare disposed: boolean;
  private declare readonly addressId: number;
  private declare readonly restoreGrad: boolean;
  private declare readonly restoreInference: boolean;
  private declare readonly label: string;
  /** The mode set_grad_enabled was given (shown in its repr). */
  private declare readonly mode: boolean | null;

  constructor(restoreGrad: boolean, restoreInference: boolean, label: string, mode: boolean | null = null) {
    this.disposed = false;
    this.addressId = nextAddressId();
    this.restoreGrad = restoreGrad;
    this.restoreInference = restoreInference;
    this.label = label;
    this.mode = mode;
  }

  [Symbol.dispose](): void {
    if (this.disposed) return;
    this.disposed = true;
    gradEnabled = this.restoreGrad;
    inferenceEnabled = this.restoreInference;
  }

  /** PyTorch 2.x's repr of the context manager. */
  toString(): string {
    if (this.mode !== null) return `torch.autograd.grad_mode.${this.label}(mode=${this.mode ? 'True' : 'False'})`;
    return `<torch.autograd.grad_mode.${this.label} object at 0x${addressOf(this.addressId).toString(16)}>`;
  }
}

function enter(grad: boolean, inference: boolean, label: string, mode: boolean | null = null): GradModeGuard {
  const guard = new GradModeGuard(gradEnabled, inferenceEnabled, label, mode);
  gradEnabled = grad;
  inferenceEnabled = inference;
  return guard;
}

function runWith<T>(guard: GradModeGuard, fn: () => T): T {
  try {
    return fn();
  } finally {
    guard[Symbol.dispose]();
  }
}

function checkCallback(fn: unknown, name: string): void {
  if (fn !== undefined && typeof fn !== 'function') {
    throw new TypeError(`${name}(): expected a function or no argument, but got ${typeof fn}`);
  }
}

/** Disables graph recording: `torch.noGrad(() => ...)` returns the callback's value; `torch.noGrad()` is a disposable. */
export function noGrad(): GradModeGuard;
export function noGrad<T>(fn: () => T): T;
export function noGrad<T>(fn?: () => T): T | GradModeGuard {
  checkCallback(fn, 'noGrad');
  const guard = enter(false, inferenceEnabled, 'no_grad');
  return fn === undefined ? guard : runWith(guard, fn);
}

/** Re-enables graph recording (inside noGrad). */
export function enableGrad(): GradModeGuard;
export function enableGrad<T>(fn: () => T): T;
export function enableGrad<T>(fn?: () => T): T | GradModeGuard {
  checkCallback(fn, 'enableGrad');
  const guard = enter(true, inferenceEnabled, 'enable_grad');
  return fn === undefined ? guard : runWith(guard, fn);
}

/**
 * Sets grad mode immediately, as PyTorch's `set_grad_enabled(mode)` does when called as a function.
 * The returned guard restores the previous mode when disposed; with a callback, the mode holds only
 * for the callback.
 */
export function setGradEnabled(mode: boolean): GradModeGuard;
export function setGradEnabled<T>(mode: boolean, fn: () => T): T;
export function setGradEnabled<T>(mode: boolean, fn?: () => T): T | GradModeGuard {
  if (typeof mode !== 'boolean') {
    throw new TypeError(`set_grad_enabled(): argument 'mode' must be bool, not ${typeof mode}`);
  }
  checkCallback(fn, 'setGradEnabled');
  const guard = enter(mode, inferenceEnabled, 'set_grad_enabled', mode);
  return fn === undefined ? guard : runWith(guard, fn);
}

/**
 * Inference mode: like noGrad, and tensors created inside are inference tensors (no version counter,
 * cannot be saved for backward). `inferenceMode(false)` is a no-op mode.
 */
export function inferenceMode(mode?: boolean): GradModeGuard;
export function inferenceMode<T>(fn: () => T): T;
export function inferenceMode<T>(mode: boolean, fn: () => T): T;
export function inferenceMode<T>(modeOrFn?: boolean | (() => T), maybeFn?: () => T): T | GradModeGuard {
  const fn = typeof modeOrFn === 'function' ? modeOrFn : maybeFn;
  const mode = typeof modeOrFn === 'boolean' ? modeOrFn : true;
  if (modeOrFn !== undefined && typeof modeOrFn !== 'boolean' && typeof modeOrFn !== 'function') {
    throw new TypeError(`inferenceMode(): argument 'mode' must be bool, not ${typeof modeOrFn}`);
  }
  checkCallback(fn, 'inferenceMode');
  const guard = mode ? enter(false, true, 'inference_mode') : enter(gradEnabled, inferenceEnabled, 'inference_mode');
  return fn === undefined ? guard : runWith(guard, fn);
}
