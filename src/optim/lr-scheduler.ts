// torch.optim.lr_scheduler: PyTorch 2.x's schedulers, in their chainable ("recursive") form.
//
// A scheduler's state dict holds its own fields in tstorch's names (`lastEpoch`, `baseLrs`, `_stepCount`,
// `_lastLr`, `stepSize`, ...: PyTorch's snake_case in camelCase, see optimizer.ts). Cosines come from the
// port of glibc's cos that Python's math.cos calls, so learning rates are PyTorch's to the last bit.
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { boolOption, floatArg, intArg, isOptionsObject, optionsArg } from '../tensor/args.js';
import { warn } from '../tensor/warnings.js';
import { glibcCos } from '../tensor/libm.js';
import { Optimizer, type ParamGroup } from './optimizer.js';
import { pyNumberStr } from '../tensor/print.js';

const EPOCH_DEPRECATION_WARNING =
  'The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, the closed form is used instead of the new chainable form, where available. Please open an issue if you are unable to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose.';

type AnyOptimizer = Optimizer<{ lr: number }>;

/** A value per parameter group, from one value or a list (PyTorch's `_format_param`). */
function formatParam(name: string, optimizer: AnyOptimizer, param: number | readonly number[], fn: string): number[] {
  const n = optimizer.paramGroups.length;
  if (!Array.isArray(param)) return new Array<number>(n).fill(floatArg(param, fn, name));
  param.forEach((v: unknown, i) => floatArg(v, fn, `${name}[${i}]`));
  if (param.length !== n) {
    throw new Error(`${name} must have the same length as optimizer.param_groups. ${name} has ${param.length} values, param_groups has ${n}.`);
  }
  return [...param];
}

/**
 * step()'s epoch: PyTorch stores any value and fails later in the schedule's arithmetic ("unsupported
 * operand type(s)"), or not at all: a number (PyTorch's closed forms take a float epoch too) is checked here.
 */
function checkEpoch(epoch: unknown): void {
  if (epoch !== undefined && epoch !== null && typeof epoch !== 'number') {
    throw new TypeError(`step(): argument 'epoch' must be int or float, not ${pyTypeName(epoch)}`);
  }
}

/** load_state_dict's dict (PyTorch's `__dict__.update` fails on anything else with Python's own message). */
function checkSchedulerState(stateDict: unknown): asserts stateDict is Record<string, unknown> {
  if (!isOptionsObject(stateDict)) throw new TypeError(`load_state_dict(): argument 'state_dict' (position 1) must be a dict, not ${pyTypeName(stateDict)}`);
}

/**
 * A scheduler's options: PyTorch stores its arguments and fails at a later step (or computes NaN);
 * their types are checked when the scheduler is made.
 */
function schedulerOptions<T extends { lastEpoch?: number }>(options: T | undefined, fn: string): T {
  const o = optionsArg(options, fn);
  if (o.lastEpoch !== undefined) intArg(o.lastEpoch, fn, 'last_epoch');
  return o;
}

/** Python's ZeroDivisionError where a schedule divides by a period of 0 (JavaScript would give NaN). */
const ZERO_DIVISION = { modulo: 'integer modulo by zero', floorDivision: 'integer division or modulo by zero', division: 'float division by zero' };

function checkDivisor(divisor: number, op: keyof typeof ZERO_DIVISION): void {
  if (divisor === 0) throw new Error(ZERO_DIVISION[op]);
}

/** A float option, or its default when not given. */
function floatOption(value: unknown, fn: string, name: string, fallback: number): number {
  return value === undefined ? fallback : floatArg(value, fn, name);
}

function checkOptimizer(optimizer: unknown): void {
  if (!(optimizer instanceof Optimizer)) {
    const name = optimizer === null || optimizer === undefined ? 'NoneType' : ((optimizer as object).constructor?.name ?? typeof optimizer);
    throw new TypeError(`${name} is not an Optimizer`);
  }
}

/**
 * Base class of the schedulers. A subclass sets its fields, then calls `start(lastEpoch)` (PyTorch's
 * `super().__init__`, which must run after the fields exist because it takes the first step).
 */
export abstract class LRScheduler {
  optimizer: AnyOptimizer;
  baseLrs: number[] = [];
  lastEpoch = -1;
  _stepCount = 0;
  _lastLr: number[] = [];
  _getLrCalledWithinStep = false;
  _isInitial = false;

  constructor(optimizer: AnyOptimizer) {
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
  }

  protected start(lastEpoch: number): void {
    const groups = this.optimizer.paramGroups;
    if (lastEpoch === -1) {
      for (const group of groups) if (group.initialLr === undefined) group.initialLr = group.lr;
    } else {
      groups.forEach((group, i) => {
        if (group.initialLr === undefined) throw new Error(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.baseLrs = groups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
    this._stepCount = 0;
    this._isInitial = true;
    try {
      this.step();
    } finally {
      this._isInitial = false;
    }
  }

  /** The learning rates the last step set, one per parameter group. */
  getLastLr(): number[] {
    return this._lastLr;
  }

  /** The chainable form: next learning rates from the current ones. */
  abstract getLr(): number[];

  /** The closed form of the schedule at `lastEpoch`, where the scheduler has one. */
  protected closedFormLr?(): number[];

  /** Advances one epoch (or jumps to `epoch`, deprecated as in PyTorch) and sets the groups' learning rates. */
  step(epoch?: number): void {
    checkEpoch(epoch);
    if (this._stepCount === 1 && !this.optimizer.stepCalled) {
      warn(
        'Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value of the learning rate schedule. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
      );
    }
    this._stepCount += 1;
    // None (null) is PyTorch's default: the chainable form.
    if (epoch === null) epoch = undefined;
    if (epoch !== undefined) warn(EPOCH_DEPRECATION_WARNING);
    this._getLrCalledWithinStep = true;
    let values: number[];
    try {
      if (epoch === undefined) {
        this.lastEpoch += 1;
        values = this.getLr();
      } else {
        this.lastEpoch = epoch;
        values = this.closedFormLr ? this.closedFormLr() : this.getLr();
      }
    } finally {
      this._getLrCalledWithinStep = false;
    }
    this.optimizer.paramGroups.forEach((group, i) => (group.lr = values[i]));
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  protected warnIfOutsideStep(): void {
    if (!this._getLrCalledWithinStep) warn('To get the last learning rate computed by the scheduler, please use `get_last_lr()`.');
  }

  protected currentLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Every field but the optimizer (and functions, which cannot be saved), as PyTorch's `__dict__`. */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this)) {
      if (key === 'optimizer' || typeof value === 'function') continue;
      out[key] = copyValue(value);
    }
    return out;
  }

  loadStateDict(stateDict: Record<string, unknown>): void {
    checkSchedulerState(stateDict);
    const fields = this as Record<string, unknown>;
    for (const [key, value] of Object.entries(stateDict)) {
      if (key === 'optimizer') continue;
      // Keys the scheduler does not have are stored as PyTorch stores them; a field of its own keeps its
      // kind (a string lastEpoch would make every later learning rate NaN).
      const want = valueKind(fields[key]);
      const got = valueKind(value);
      if (key in fields && want !== got && want !== 'None' && got !== 'None') {
        const name = want === 'float' && Number.isInteger(fields[key]) ? 'int' : want;
        throw new TypeError(`load_state_dict(): state_dict['${key}'] must be ${name}, not ${pyTypeName(value)}`);
      }
      // A list of learning rates (baseLrs, _lastLr, minLrs) stays a list of numbers.
      const current = fields[key];
      if (Array.isArray(current) && current.length > 0 && current.every((v) => typeof v === 'number') && Array.isArray(value)) {
        const wrong = (value as unknown[]).findIndex((v) => typeof v !== 'number');
        if (wrong >= 0) {
          throw new TypeError(`load_state_dict(): state_dict['${key}'] must be a list of floats, but found an element of type ${pyTypeName((value as unknown[])[wrong])}`);
        }
      }
    }
    for (const [key, value] of Object.entries(stateDict)) {
      if (key === 'optimizer') continue;
      (this as Record<string, unknown>)[key] = copyValue(value);
    }
  }
}

/** The kind of a scheduler field's value, as Python names it. */
function valueKind(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'number') return 'float';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Map) return 'Counter';
  return typeof value === 'object' ? 'dict' : pyTypeName(value);
}

/** A copy of a state value deep enough that the scheduler and its saved state do not share lists. */
function copyValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyValue);
  if (value instanceof Map) return new Map(value);
  if (value !== null && typeof value === 'object') return { ...value };
  return value;
}

/** lr = initial lr * lrLambda(epoch), one function for all groups or one per group. */
export class LambdaLR extends LRScheduler {
  lrLambdas: ((epoch: number) => number)[];

  constructor(optimizer: AnyOptimizer, lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[], options: { lastEpoch?: number } = {}) {
    super(optimizer);
    const o = schedulerOptions(options, 'LambdaLR');
    const n = optimizer.paramGroups.length;
    // PyTorch calls each at the first step: "'str' object is not callable".
    for (const f of Array.isArray(lrLambda) ? lrLambda : [lrLambda]) {
      if (typeof f !== 'function') throw new TypeError(`'${pyTypeName(f)}' object is not callable`);
    }
    if (Array.isArray(lrLambda)) {
      if (lrLambda.length !== n) throw new Error(`Expected ${n} lr_lambdas, but got ${lrLambda.length}`);
      this.lrLambdas = [...lrLambda];
    } else {
      this.lrLambdas = new Array(n).fill(lrLambda);
    }
    this.start(o.lastEpoch ?? -1);
  }

  getLr(): number[] {
    this.warnIfOutsideStep();
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i](this.lastEpoch));
  }

  /** The lambdas are functions, which PyTorch saves as None: `lrLambdas` holds nulls. */
  override stateDict(): Record<string, unknown> {
    const { lrLambdas, ...rest } = super.stateDict();
    void lrLambdas;
    return { ...rest, lrLambdas: this.lrLambdas.map(() => null) };
  }

  override loadStateDict(stateDict: Record<string, unknown>): void {
    checkSchedulerState(stateDict);
    const { lrLambdas, ...rest } = stateDict;
    void lrLambdas;
    super.loadStateDict(rest);
  }
}

/** Multiplies the learning rate by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: AnyOptimizer, stepSize: number, options: { gamma?: number; lastEpoch?: number } = {}) {
    super(optimizer);
    const o = schedulerOptions(options, 'StepLR');
    intArg(stepSize, 'StepLR', 'step_size', 2);
    this.stepSize = stepSize;
    this.gamma = floatOption(o.gamma, 'StepLR', 'gamma', 0.1);
    this.start(o.lastEpoch ?? -1);
  }

  getLr(): number[] {
    this.warnIfOutsideStep();
    if (this.lastEpoch === 0) return this.currentLrs();
    checkDivisor(this.stepSize, 'modulo');
    if (this.lastEpoch % this.stepSize !== 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    checkDivisor(this.stepSize, 'floorDivision');
    return this.baseLrs.map((base) => base * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/** Multiplies the learning rate by gamma at each milestone (a milestone listed twice counts twice). */
export class MultiStepLR extends LRScheduler {
  /** Milestone -> how many times it was given (PyTorch's Counter). */
  milestones: Map<number, number>;
  gamma: number;

  constructor(optimizer: AnyOptimizer, milestones: Iterable<number>, options: { gamma?: number; lastEpoch?: number } = {}) {
    super(optimizer);
    const o = schedulerOptions(options, 'MultiStepLR');
    if (!Array.isArray(milestones) && !(milestones instanceof Set)) {
      throw new TypeError(`MultiStepLR(): argument 'milestones' (position 2) must be a list of ints, not ${pyTypeName(milestones)}`);
    }
    this.milestones = new Map();
    for (const m of milestones) {
      intArg(m, 'MultiStepLR', 'milestones');
      this.milestones.set(m, (this.milestones.get(m) ?? 0) + 1);
    }
    this.gamma = floatOption(o.gamma, 'MultiStepLR', 'gamma', 0.1);
    this.start(o.lastEpoch ?? -1);
  }

  getLr(): number[] {
    this.warnIfOutsideStep();
    const count = this.milestones.get(this.lastEpoch);
    if (count === undefined) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma ** count);
  }

  protected override closedFormLr(): number[] {
    let passed = 0;
    for (const [m, count] of this.milestones) if (m <= this.lastEpoch) passed += count;
    return this.baseLrs.map((base) => base * this.gamma ** passed);
  }
}

/** Scales the learning rate by a factor moving linearly from startFactor to endFactor over totalIters epochs. */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(
    optimizer: AnyOptimizer,
    options: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {},
  ) {
    super(optimizer);
    const fn = 'LinearLR';
    const o = schedulerOptions(options, fn);
    const startFactor = floatOption(o.startFactor, fn, 'start_factor', 1 / 3);
    const endFactor = floatOption(o.endFactor, fn, 'end_factor', 1);
    if (startFactor > 1 || startFactor <= 0) {
      throw new Error('Starting multiplicative factor expected to be greater than 0 and less or equal to 1.');
    }
    if (endFactor > 1 || endFactor < 0) throw new Error('Ending multiplicative factor expected to be between 0 and 1.');
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    if (o.totalIters !== undefined) intArg(o.totalIters, fn, 'total_iters');
    this.totalIters = o.totalIters ?? 5;
    this.start(o.lastEpoch ?? -1);
  }

  getLr(): number[] {
    this.warnIfOutsideStep();
    if (this.lastEpoch === 0) return this.currentLrs().map((lr) => lr * this.startFactor);
    if (this._isInitial || this.lastEpoch > this.totalIters) return this.currentLrs();
    const delta = this.endFactor - this.startFactor;
    const factor = 1 + delta / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * delta);
    return this.currentLrs().map((lr) => lr * factor);
  }

  protected override closedFormLr(): number[] {
    const delta = this.endFactor - this.startFactor;
    return this.baseLrs.map((base) => base * (this.startFactor + (delta * Math.min(this.totalIters, this.lastEpoch)) / this.totalIters));
  }
}

/** Multiplies the learning rate by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: AnyOptimizer, gamma: number, options: { lastEpoch?: number } = {}) {
    super(optimizer);
    const o = schedulerOptions(options, 'ExponentialLR');
    this.gamma = floatArg(gamma, 'ExponentialLR', 'gamma', 2);
    this.start(o.lastEpoch ?? -1);
  }

  getLr(): number[] {
    this.warnIfOutsideStep();
    if (this._isInitial) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** this.lastEpoch);
  }
}

/** Cosine annealing from the initial learning rate down to etaMin over tMax epochs (and back, periodically). */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: AnyOptimizer, tMax: number, options: { etaMin?: number; lastEpoch?: number } = {}) {
    super(optimizer);
    const o = schedulerOptions(options, 'CosineAnnealingLR');
    intArg(tMax, 'CosineAnnealingLR', 'T_max', 2);
    this.tMax = tMax;
    this.etaMin = floatOption(o.etaMin, 'CosineAnnealingLR', 'eta_min', 0);
    this.start(o.lastEpoch ?? -1);
  }

  getLr(): number[] {
    this.warnIfOutsideStep();
    const { lastEpoch: e, tMax, etaMin } = this;
    if (this._isInitial) return this.currentLrs();
    checkDivisor(tMax, this._stepCount === 1 && e > 0 ? 'division' : 'modulo');
    if (this._stepCount === 1 && e > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + glibcCos((e * Math.PI) / tMax))) / 2);
    }
    if ((e - 1 - tMax) % (2 * tMax) === 0) {
      return this.optimizer.paramGroups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - glibcCos(Math.PI / tMax))) / 2);
    }
    return this.currentLrs().map(
      (lr) => ((1 + glibcCos((Math.PI * e) / tMax)) / (1 + glibcCos((Math.PI * (e - 1)) / tMax))) * (lr - etaMin) + etaMin,
    );
  }

  protected override closedFormLr(): number[] {
    checkDivisor(this.tMax, 'division');
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + glibcCos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
  }
}

interface SchedulePhase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

export interface OneCycleLROptions {
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  lastEpoch?: number;
}

/** The 1cycle policy: warm up to maxLr, then anneal to a small minimum (momentum cycles inversely). */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  _schedulePhases: SchedulePhase[];
  _annealFuncType: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1 = false;

  constructor(optimizer: AnyOptimizer, maxLr: number | number[], options: OneCycleLROptions = {}) {
    super(optimizer);
    const fn = 'OneCycleLR';
    const o = schedulerOptions(options, fn);
    const { totalSteps, epochs, stepsPerEpoch } = o;
    if (totalSteps !== undefined) {
      if (totalSteps <= 0 || !Number.isInteger(totalSteps)) throw new Error(`Expected positive integer total_steps, but got ${pyNumberStr(totalSteps)}`);
      this.totalSteps = totalSteps;
    } else if (epochs !== undefined && stepsPerEpoch !== undefined) {
      if (!Number.isInteger(epochs) || epochs <= 0) throw new Error(`Expected positive integer epochs, but got ${pyNumberStr(epochs)}`);
      if (!Number.isInteger(stepsPerEpoch) || stepsPerEpoch <= 0) {
        throw new Error(`Expected positive integer steps_per_epoch, but got ${pyNumberStr(stepsPerEpoch)}`);
      }
      this.totalSteps = epochs * stepsPerEpoch;
    } else {
      throw new Error('You must define either total_steps OR (epochs AND steps_per_epoch)');
    }
    const pctStart = floatOption(o.pctStart, fn, 'pct_start', 0.3);
    const total = this.totalSteps;
    const up = { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' };
    this._schedulePhases = boolOption(o.threePhase, fn, 'three_phase')
      ? [
          up,
          { endStep: 2 * pctStart * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [up, { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' }];
    if (pctStart < 0 || pctStart > 1) throw new Error(`Expected float between 0 and 1 pct_start, but got ${pyNumberStr(pctStart)}`);
    const anneal = o.annealStrategy ?? 'cos';
    if (anneal !== 'cos' && anneal !== 'linear') throw new Error(`anneal_strategy must be one of 'cos' or 'linear', instead got ${String(anneal)}`);
    this._annealFuncType = anneal;
    const lastEpoch = o.lastEpoch ?? -1;
    const divFactor = floatOption(o.divFactor, fn, 'div_factor', 25);
    const finalDivFactor = floatOption(o.finalDivFactor, fn, 'final_div_factor', 1e4);
    const maxLrs = formatParam('max_lr', optimizer, maxLr, 'OneCycleLR');
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((group, i) => {
        group.initialLr = maxLrs[i] / divFactor;
        group.maxLr = maxLrs[i];
        group.minLr = (group.initialLr as number) / finalDivFactor;
      });
    }
    this.cycleMomentum = boolOption(o.cycleMomentum, fn, 'cycle_momentum') ?? true;
    if (this.cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults)) {
        throw new Error('optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
      }
      this.useBeta1 = 'betas' in optimizer.defaults;
      const maxMomentums = formatParam('max_momentum', optimizer, o.maxMomentum ?? 0.95, 'OneCycleLR');
      const baseMomentums = formatParam('base_momentum', optimizer, o.baseMomentum ?? 0.85, 'OneCycleLR');
      if (lastEpoch === -1) {
        optimizer.paramGroups.forEach((group, i) => {
          this.setMomentum(group, maxMomentums[i]);
          group.maxMomentum = maxMomentums[i];
          group.baseMomentum = baseMomentums[i];
        });
      }
    }
    this.start(lastEpoch);
  }

  private setMomentum(group: ParamGroup, momentum: number): void {
    if (this.useBeta1) group.betas = [momentum, ...(group.betas as number[]).slice(1)];
    else group.momentum = momentum;
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this._annealFuncType === 'cos') return end + ((start - end) / 2.0) * (glibcCos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  getLr(): number[] {
    this.warnIfOutsideStep();
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new Error(`Tried to step ${stepNum} times. The specified number of total steps is ${this.totalSteps}`);
    }
    return this.optimizer.paramGroups.map((group) => {
      let startStep = 0;
      const phases = this._schedulePhases;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        if (stepNum <= phase.endStep || i === phases.length - 1) {
          const pct = (stepNum - startStep) / (phase.endStep - startStep);
          const lr = this.anneal(group[phase.startLr] as number, group[phase.endLr] as number, pct);
          if (this.cycleMomentum) {
            this.setMomentum(group, this.anneal(group[phase.startMomentum] as number, group[phase.endMomentum] as number, pct));
          }
          return lr;
        }
        startStep = phase.endStep;
      }
      throw new Error('OneCycleLR: no schedule phase');
    });
  }
}

/** Python's float(metrics): a number (an int or a bool too) or a one-element tensor. */
function metricValue(metrics: unknown): number {
  if (metrics instanceof Tensor) return Number(metrics.item());
  if (typeof metrics === 'number' || typeof metrics === 'bigint' || typeof metrics === 'boolean') return Number(metrics);
  if (typeof metrics === 'string') throw new Error(`could not convert string to float: '${metrics}'`);
  throw new TypeError(`float() argument must be a string or a real number, not '${pyTypeName(metrics)}'`);
}

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
}

/** Reduces the learning rate by `factor` when a metric has stopped improving for `patience` epochs. */
export class ReduceLROnPlateau extends LRScheduler {
  factor: number;
  defaultMinLr: number | null;
  minLrs: number[];
  patience: number;
  cooldown: number;
  eps: number;
  mode: 'min' | 'max' = 'min';
  threshold = 1e-4;
  thresholdMode: 'rel' | 'abs' = 'rel';
  modeWorse = Infinity;
  best = Infinity;
  cooldownCounter = 0;
  numBadEpochs = 0;

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    super(optimizer);
    const fn = 'ReduceLROnPlateau';
    const o = optionsArg(options, fn);
    const factor = floatOption(o.factor, fn, 'factor', 0.1);
    if (factor >= 1.0) throw new Error('Factor should be < 1.0.');
    this.factor = factor;
    const minLr = o.minLr ?? 0;
    const n = optimizer.paramGroups.length;
    if (Array.isArray(minLr)) {
      minLr.forEach((v: unknown, i) => floatArg(v, fn, `min_lr[${i}]`));
      if (minLr.length !== n) throw new Error(`expected ${n} min_lrs, got ${minLr.length}`);
      this.defaultMinLr = null;
      this.minLrs = [...minLr];
    } else {
      this.defaultMinLr = floatArg(minLr, fn, 'min_lr');
      this.minLrs = new Array<number>(n).fill(this.defaultMinLr);
    }
    for (const [name, value] of [['patience', o.patience], ['cooldown', o.cooldown]] as const) if (value !== undefined) intArg(value, fn, name);
    this.patience = o.patience ?? 10;
    this.cooldown = o.cooldown ?? 0;
    this.eps = floatOption(o.eps, fn, 'eps', 1e-8);
    this.lastEpoch = 0;
    this._lastLr = this.currentLrs();
    this.initIsBetter(o.mode ?? 'min', floatOption(o.threshold, fn, 'threshold', 1e-4), o.thresholdMode ?? 'rel');
    this.reset();
  }

  /** Not a chainable schedule: the learning rates change only in step(metrics). */
  getLr(): number[] {
    return this.currentLrs();
  }

  private reset(): void {
    this.best = this.modeWorse;
    this.cooldownCounter = 0;
    this.numBadEpochs = 0;
  }

  /** Records this epoch's metric (a number or a one-element tensor) and reduces the rates if it stalled. */
  override step(metrics?: number | Tensor, epoch?: number): void {
    // Optional only to keep the base class's signature: PyTorch requires it.
    if (metrics === undefined) throw new TypeError("step() missing 1 required positional argument: 'metrics'");
    const current = metricValue(metrics);
    checkEpoch(epoch);
    if (epoch === undefined || epoch === null) epoch = this.lastEpoch + 1;
    else warn(EPOCH_DEPRECATION_WARNING);
    this.lastEpoch = epoch;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = this.currentLrs();
  }

  private reduceLr(): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.minLrs.length) {
      if (this.defaultMinLr === null) {
        throw new Error(
          `The number of param groups in the \`optimizer\` (${groups.length}) differs from when \`ReduceLROnPlateau\` was initialized (${this.minLrs.length}), usually due to a new param group being added to the optimizer. Please modify the \`min_lrs\` field to match the length of the \`optimizer\` param groups.`,
        );
      }
      this.minLrs = new Array<number>(groups.length).fill(this.defaultMinLr);
    }
    groups.forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
      if (oldLr - newLr > this.eps) group.lr = newLr;
    });
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  private initIsBetter(mode: string, threshold: number, thresholdMode: string): void {
    if (mode !== 'min' && mode !== 'max') throw new Error(`mode ${mode} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new Error(`threshold mode ${thresholdMode} is unknown!`);
    this.modeWorse = mode === 'min' ? Infinity : -Infinity;
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
  }

  override loadStateDict(stateDict: Record<string, unknown>): void {
    super.loadStateDict(stateDict);
    this.initIsBetter(this.mode, this.threshold, this.thresholdMode);
  }
}
