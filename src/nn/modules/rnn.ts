// Recurrent layers: RNN (tanh or relu), LSTM (with optional projections), GRU, and their one-step cells.
//
// Parameters keep PyTorch's names (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_hr_l0,
// ..._reverse for the second direction; weight_ih, ... for cells) and registration order, so that
// reset_parameters' uniform draws, state dicts and named parameters are PyTorch's.
//
// The computation is PyTorch's CPU one written with differentiable ops (so gradients and double
// backward follow): per layer and direction the input projection of the whole sequence at once, then
// one cell step per time step; a bidirectional layer concatenates both directions' outputs; dropout
// (training only) between layers.
import { Tensor, pyTypeName } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';
import { empty, zeros } from '../../tensor/factory.js';
import { shapeStr, tupleStr } from '../../tensor/layout.js';
import { warn } from '../../tensor/warnings.js';
import { cat, stack } from '../../ops/join.js';
import { Module, pyBool, pyFloatRepr } from '../module.js';
import { Parameter } from '../parameter.js';
import { boolOption, dtypeOption, intArg, optionalTensorArg, optionsArg } from '../../tensor/args.js';
import { checkTensor } from '../../ops/elementwise.js';
import { uniform_ } from '../init.js';
import { dropout, linear } from '../functional-core.js';

export type RNNNonlinearity = 'tanh' | 'relu';

export interface RNNBaseOptions {
  numLayers?: number;
  /** Learn the biases b_ih and b_hh. */
  bias?: boolean;
  /** Inputs and outputs are (batch, seq, feature) instead of (seq, batch, feature); states are not. */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last (training only). */
  dropout?: number;
  bidirectional?: boolean;
  dtype?: DType;
}

export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: RNNNonlinearity;
}

export interface LSTMOptions extends RNNBaseOptions {
  /** Project h to this many features with weight_hr (0: no projection). */
  projSize?: number;
}

type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** The weights of one layer in one direction (or of a cell). */
interface CellWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  wHr: Tensor | null;
}

/** One time step: the next state from xw = x W_ihᵀ + b_ih and the state ([h] or [h, c]). */
type Step = (xw: Tensor, state: readonly Tensor[], w: CellWeights) => Tensor[];

const STEPS: Record<Mode, Step> = {
  RNN_TANH: (xw, [h], w) => [linear(h, w.wHh, w.bHh).add(xw).tanh()],
  RNN_RELU: (xw, [h], w) => [linear(h, w.wHh, w.bHh).add(xw).relu()],
  LSTM: (xw, [h, c], w) => {
    const [i, f, g, o] = linear(h, w.wHh, w.bHh).add(xw).chunk(4, 1);
    const cy = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
    const hy = o.sigmoid().mul(cy.tanh());
    return [w.wHr === null ? hy : hy.matmul(w.wHr.t()), cy];
  },
  GRU: (xw, [h], w) => {
    const [ir, iz, inew] = xw.chunk(3, 1);
    const [hr, hz, hnew] = linear(h, w.wHh, w.bHh).chunk(3, 1);
    const r = hr.add(ir).sigmoid();
    const z = hz.add(iz).sigmoid();
    const n = inew.add(hnew.mul(r)).tanh();
    return [h.sub(n).mul(z).add(n)];
  },
};

/** Runs one direction over a (T, B, G) input projection; returns the (T, B, H) outputs and the final state. */
function runDirection(xw: Tensor, initial: Tensor[], w: CellWeights, step: Step, reverse: boolean): [Tensor, Tensor[]] {
  const inputs = xw.unbind(0);
  const outputs = new Array<Tensor>(inputs.length);
  let state = initial;
  for (let k = 0; k < inputs.length; k++) {
    const t = reverse ? inputs.length - 1 - k : k;
    state = step(inputs[t], state, w);
    outputs[t] = state[0];
  }
  return [stack(outputs, 0), state];
}

function checkHiddenSize(hx: Tensor, expected: number[], what: string): void {
  if (hx.dim() !== expected.length || hx.shape.some((s, i) => s !== expected[i])) {
    throw new Error(`Expected ${what} size ${tupleStr(expected)}, got ${shapeStr(hx.shape)}`);
  }
}

/** The `numLayers` positional argument or the options object. */
function layerOptions<O extends RNNBaseOptions>(numLayers: number | O | undefined, options: O | undefined): O {
  if (typeof numLayers === 'number') return { ...options, numLayers } as O;
  return { ...numLayers, ...options } as O;
}

/** PyTorch's RNNBase: parameters, initialisation, checks and the layer stack shared by RNN, LSTM and GRU. */
abstract class RNNBase extends Module {
  readonly mode: Mode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  /** Parameter names per layer and direction, in registration order (PyTorch's `_all_weights`). */
  readonly allWeightNames: string[][] = [];

  constructor(mode: Mode, inputSize: number, hiddenSize: number, options: LSTMOptions) {
    super();
    const numLayers = options.numLayers ?? 1;
    const bias = options.bias ?? true;
    const p = options.dropout ?? 0;
    const projSize = options.projSize ?? 0;
    const bidirectional = options.bidirectional ?? false;
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = p;
    this.bidirectional = bidirectional;
    this.projSize = projSize;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new Error('dropout should be a number in range [0, 1] representing the probability of an element being zeroed');
    }
    if (p > 0 && numLayers === 1) {
      warn(`dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${pyFloatRepr(p)} and num_layers=${numLayers}`);
    }
    if (!Number.isInteger(hiddenSize)) throw new TypeError(`hidden_size should be of type int, got: ${pyTypeName(hiddenSize)}`);
    if (hiddenSize <= 0) throw new Error('hidden_size must be greater than zero');
    if (numLayers <= 0) throw new Error('num_layers must be greater than zero');
    if (projSize !== 0 && mode !== 'LSTM') throw new Error('proj_size argument is only supported for LSTM, not RNN or GRU');
    if (projSize < 0) throw new Error('proj_size should be a positive integer or zero to disable projections');
    if (projSize >= hiddenSize) throw new Error('proj_size has to be smaller than hidden_size');
    const gateSize = GATES[mode] * hiddenSize;
    const directions = bidirectional ? 2 : 1;
    const realHidden = projSize > 0 ? projSize : hiddenSize;
    const dtype = options.dtype;
    for (let layer = 0; layer < numLayers; layer++) {
      for (let direction = 0; direction < directions; direction++) {
        const layerInputSize = layer === 0 ? inputSize : realHidden * directions;
        const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
        const params: [string, number[]][] = [[`weight_ih${suffix}`, [gateSize, layerInputSize]], [`weight_hh${suffix}`, [gateSize, realHidden]]];
        if (bias) params.push([`bias_ih${suffix}`, [gateSize]], [`bias_hh${suffix}`, [gateSize]]);
        if (projSize > 0) params.push([`weight_hr${suffix}`, [projSize, hiddenSize]]);
        for (const [name, shape] of params) this.registerParameter(name, new Parameter(empty(shape, { dtype })));
        this.allWeightNames.push(params.map(([name]) => name));
      }
    }
    this.resetParameters();
  }

  /** Every weight and bias ~ U(-1/√hidden, 1/√hidden), drawn in registration order. */
  resetParameters(): void {
    const stdv = 1 / Math.sqrt(this.hiddenSize);
    for (const weight of this.parameters()) uniform_(weight, -stdv, stdv);
  }

  /** The parameters per layer and direction (PyTorch's `all_weights`). */
  get allWeights(): Parameter[][] {
    return this.allWeightNames.map((names) => names.map((n) => this._parameters.get(n) as Parameter));
  }

  private cellWeights(index: number): CellWeights {
    const [wIh, wHh, ...rest] = this.allWeightNames[index].map((n) => this._parameters.get(n) as Parameter);
    return { wIh, wHh, bIh: this.bias ? rest[0] : null, bHh: this.bias ? rest[1] : null, wHr: this.projSize > 0 ? rest[rest.length - 1] : null };
  }

  /** The number of layer × direction states. */
  protected get numStates(): number {
    return this.numLayers * (this.bidirectional ? 2 : 1);
  }

  protected checkInput(input: Tensor): void {
    const weightDtype = this.allWeights[0][0].dtype;
    if (input.dtype !== weightDtype) throw new Error(`input must have the type ${weightDtype}, got type ${input.dtype}`);
    if (input.dim() !== 3) throw new Error(`input must have 3 dimensions, got ${input.dim()}`);
    const size = input.shape[2];
    if (size !== this.inputSize) throw new Error(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${size}`);
  }

  /** (layers × directions, batch, features) for a 3-D input. */
  protected expectedStateSize(input: Tensor, features: number): number[] {
    return [this.numStates, input.shape[this.batchFirst ? 0 : 1], features];
  }

  protected checkStates(input: Tensor, states: readonly Tensor[]): void {
    this.checkInput(input);
    const hidden = this.projSize > 0 ? this.projSize : this.hiddenSize;
    if (states.length === 1) {
      checkHiddenSize(states[0], this.expectedStateSize(input, hidden), 'hidden');
    } else {
      checkHiddenSize(states[0], this.expectedStateSize(input, hidden), 'hidden[0]');
      checkHiddenSize(states[1], this.expectedStateSize(input, this.hiddenSize), 'hidden[1]');
    }
  }

  /** Zero initial states for a 3-D input: [h] or, for LSTM, [h, c]. */
  protected zeroStates(input: Tensor): Tensor[] {
    const batch = input.shape[this.batchFirst ? 0 : 1];
    const h = zeros([this.numStates, batch, this.projSize > 0 ? this.projSize : this.hiddenSize], { dtype: input.dtype });
    if (this.mode !== 'LSTM') return [h];
    return [h, zeros([this.numStates, batch, this.hiddenSize], { dtype: input.dtype })];
  }

  /** The layer stack over a checked 3-D input and states; returns the output and the final states. */
  protected runLayers(input: Tensor, states: readonly Tensor[]): [Tensor, Tensor[]] {
    const step = STEPS[this.mode];
    const directions = this.bidirectional ? 2 : 1;
    const initial = states.map((s) => s.unbind(0));
    const finals: Tensor[][] = states.map(() => []);
    let layerInput = this.batchFirst ? input.transpose(0, 1) : input;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outputs: Tensor[] = [];
      for (let direction = 0; direction < directions; direction++) {
        const index = layer * directions + direction;
        const w = this.cellWeights(index);
        const xw = linear(layerInput, w.wIh, w.bIh);
        const [output, final] = runDirection(xw, initial.map((s) => s[index]), w, step, direction === 1);
        outputs.push(output);
        final.forEach((f, k) => finals[k].push(f));
      }
      layerInput = directions === 1 ? outputs[0] : cat(outputs, 2);
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) layerInput = dropout(layerInput, this.dropout);
    }
    const output = this.batchFirst ? layerInput.transpose(0, 1) : layerInput;
    return [output, finals.map((f) => stack(f, 0))];
  }

  /** Input checks and batching common to RNN and GRU (one state tensor). */
  protected forwardSingleState(name: string, input: Tensor, hx: Tensor | null | undefined): [Tensor, Tensor] {
    // PyTorch fails on the first attribute it reads ("'str' object has no attribute 'dim'"): a TypeError here.
    checkTensor(input, `${name}.forward`, 'input', 1);
    optionalTensorArg(hx, `${name}.forward`, 'hx', 2);
    if (input.dim() !== 2 && input.dim() !== 3) {
      // PyTorch's RNN says "tensor" where GRU's message does not.
      throw new Error(`${name}: Expected input to be 2D or 3D, got ${input.dim()}D${name === 'RNN' ? ' tensor' : ''} instead`);
    }
    const isBatched = input.dim() === 3;
    const batchDim = this.batchFirst ? 0 : 1;
    let x = input;
    let h = hx ?? null;
    if (!isBatched) {
      x = x.unsqueeze(batchDim);
      if (h !== null) {
        if (h.dim() !== 2) throw new Error(`For unbatched 2-D input, hx should also be 2-D but got ${h.dim()}-D tensor`);
        h = h.unsqueeze(1);
      }
    } else if (h !== null && h.dim() !== 3) {
      throw new Error(`For batched 3-D input, hx should also be 3-D but got ${h.dim()}-D tensor`);
    }
    const states = h === null ? this.zeroStates(x) : [h];
    this.checkStates(x, states);
    const [output, [hn]] = this.runLayers(x, states);
    return isBatched ? [output, hn] : [output.squeeze(batchDim), hn.squeeze(1)];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=${pyBool(this.bias)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(this.batchFirst)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloatRepr(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${pyBool(this.bidirectional)}`;
    return s;
  }
}

/**
 * Elman RNN: h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh) (or relu). `new RNN(10, 20)`,
 * `new RNN(10, 20, 2, { nonlinearity: 'relu', batchFirst: true })`. `call(input, h0?)` returns [output, h_n].
 */
export class RNN extends RNNBase {
  readonly nonlinearity: RNNNonlinearity;

  constructor(inputSize: number, hiddenSize: number, numLayers?: number | RNNOptions, options?: RNNOptions) {
    const o = layerOptions(numLayers, options);
    const nonlinearity = o.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
      throw new Error(`Unknown nonlinearity '${String(nonlinearity)}'. Select from 'tanh' or 'relu'.`);
    }
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, o);
    this.nonlinearity = nonlinearity;
  }

  /** input (L, N, H_in), (N, L, H_in) with batchFirst, or unbatched (L, H_in); hx (layers × directions, [N,] H). */
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor] {
    return this.forwardSingleState('RNN', input, hx);
  }
}

/**
 * Long short-term memory. `call(input, [h0, c0]?)` returns [output, [h_n, c_n]]; with `projSize` the
 * hidden state h (and the output) has projSize features.
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, numLayers?: number | LSTMOptions, options?: LSTMOptions) {
    super('LSTM', inputSize, hiddenSize, layerOptions(numLayers, options));
  }

  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    checkTensor(input, 'LSTM.forward', 'input', 1);
    checkStatePair(hx, 'LSTM.forward');
    if (input.dim() !== 2 && input.dim() !== 3) throw new Error(`LSTM: Expected input to be 2D or 3D, got ${input.dim()}D instead`);
    const isBatched = input.dim() === 3;
    const batchDim = this.batchFirst ? 0 : 1;
    const x = isBatched ? input : input.unsqueeze(batchDim);
    let states: Tensor[];
    if (hx === null || hx === undefined) {
      states = this.zeroStates(x);
    } else {
      const [h, c] = hx;
      const want = isBatched ? 3 : 2;
      if (h.dim() !== want || c.dim() !== want) {
        const kind = isBatched ? 'batched 3-D' : 'unbatched 2-D';
        throw new Error(`For ${kind} input, hx and cx should also be ${want}-D but got (${h.dim()}-D, ${c.dim()}-D) tensors`);
      }
      states = isBatched ? [h, c] : [h.unsqueeze(1), c.unsqueeze(1)];
    }
    this.checkStates(x, states);
    const [output, [hn, cn]] = this.runLayers(x, states);
    return isBatched ? [output, [hn, cn]] : [output.squeeze(batchDim), [hn.squeeze(1), cn.squeeze(1)]];
  }
}

/** Gated recurrent unit. `call(input, h0?)` returns [output, h_n]. */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, numLayers?: number | RNNBaseOptions, options?: RNNBaseOptions) {
    super('GRU', inputSize, hiddenSize, layerOptions(numLayers, options));
  }

  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor] {
    return this.forwardSingleState('GRU', input, hx);
  }
}

// ---- cells ----

export interface CellOptions {
  bias?: boolean;
  dtype?: DType;
}

export interface RNNCellOptions extends CellOptions {
  nonlinearity?: RNNNonlinearity;
}

/** PyTorch's RNNCellBase: weight_ih (chunks × hidden, input), weight_hh, bias_ih, bias_hh ~ U(-1/√hidden, 1/√hidden). */
abstract class RNNCellBase extends Module {
  declare weight_ih: Parameter;
  declare weight_hh: Parameter;
  declare bias_ih: Parameter | null;
  declare bias_hh: Parameter | null;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;

  constructor(inputSize: number, hiddenSize: number, options: boolean | CellOptions | undefined, numChunks: number) {
    super();
    const fn = this.constructor.name;
    intArg(inputSize, fn, 'input_size', 1);
    intArg(hiddenSize, fn, 'hidden_size', 2);
    const o = typeof options === 'boolean' ? { bias: options } : optionsArg(options, fn);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = boolOption(o.bias, fn, 'bias', 3) ?? true;
    const dtype = dtypeOption(o.dtype, fn);
    this.weight_ih = new Parameter(empty([numChunks * hiddenSize, inputSize], { dtype }));
    this.weight_hh = new Parameter(empty([numChunks * hiddenSize, hiddenSize], { dtype }));
    if (this.bias) {
      this.bias_ih = new Parameter(empty([numChunks * hiddenSize], { dtype }));
      this.bias_hh = new Parameter(empty([numChunks * hiddenSize], { dtype }));
    } else {
      this.registerParameter('bias_ih', null);
      this.registerParameter('bias_hh', null);
    }
    this.resetParameters();
  }

  resetParameters(): void {
    const stdv = 1 / Math.sqrt(this.hiddenSize);
    for (const weight of this.parameters()) uniform_(weight, -stdv, stdv);
  }

  /**
   * One step of `mode` on a 1-D or 2-D input, with PyTorch's checks: the states are batched like the
   * input, zeros when not given.
   */
  protected runCell(mode: Mode, input: Tensor, hx: readonly Tensor[] | null): Tensor[] {
    const isBatched = input.dim() === 2;
    const x = isBatched ? input : input.unsqueeze(0);
    let states: readonly Tensor[];
    if (hx === null) {
      const zero = zeros([x.shape[0], this.hiddenSize], { dtype: x.dtype });
      states = mode === 'LSTM' ? [zero, zero] : [zero];
    } else {
      states = isBatched ? hx : hx.map((h) => h.unsqueeze(0));
    }
    const weightInput = this.weight_ih.shape[1];
    if (x.shape[1] !== weightInput) throw new Error(`input has inconsistent input_size: got ${x.shape[1]} expected ${weightInput}`);
    // PyTorch labels every state "hidden0" in these messages.
    for (const h of states) {
      if (x.shape[0] !== h.shape[0]) throw new Error(`Input batch size ${x.shape[0]} doesn't match hidden0 batch size ${h.shape[0]}`);
      if (h.shape[1] !== this.hiddenSize) throw new Error(`hidden0 has inconsistent hidden_size: got ${h.shape[1]}, expected ${this.hiddenSize}`);
    }
    const w: CellWeights = { wIh: this.weight_ih, wHh: this.weight_hh, bIh: this.bias_ih, bHh: this.bias_hh, wHr: null };
    const next = STEPS[mode](linear(x, w.wIh, w.bIh), states, w);
    return isBatched ? next : next.map((s) => s.squeeze(0));
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (!this.bias) s += `, bias=${pyBool(this.bias)}`;
    return s;
  }
}

/** An LSTM's optional (h, c): PyTorch unpacks it without a check of its own. */
function checkStatePair(hx: unknown, fn: string): void {
  if (hx === undefined || hx === null) return;
  if (!Array.isArray(hx) || hx.length !== 2 || !hx.every((h) => h instanceof Tensor)) {
    throw new TypeError(`${fn}(): argument 'hx' (position 2) must be a tuple of two Tensors, not ${pyTypeName(hx)}`);
  }
}

function checkCellInput(name: string, input: Tensor): void {
  checkTensor(input, `${name}.forward`, 'input', 1);
  if (input.dim() !== 1 && input.dim() !== 2) throw new Error(`${name}: Expected input to be 1D or 2D, got ${input.dim()}D instead`);
}

function checkCellHidden(name: string, hx: Tensor | null): void {
  optionalTensorArg(hx, `${name}.forward`, 'hx', 2);
  if (hx !== null && hx.dim() !== 1 && hx.dim() !== 2) throw new Error(`${name}: Expected hidden to be 1D or 2D, got ${hx.dim()}D instead`);
}

/** One Elman RNN step: `new RNNCell(10, 20)`, `(10, 20, false, 'relu')` or `(10, 20, { nonlinearity: 'relu' })`. */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: RNNNonlinearity;

  constructor(inputSize: number, hiddenSize: number, bias?: boolean | RNNCellOptions, nonlinearity?: RNNNonlinearity) {
    super(inputSize, hiddenSize, bias, 1);
    const n = nonlinearity ?? (typeof bias === 'object' && bias !== null ? bias.nonlinearity : undefined) ?? 'tanh';
    if (n !== 'tanh' && n !== 'relu') throw new Error(`Unknown nonlinearity: ${String(n)}`);
    this.nonlinearity = n;
  }

  /** h' for input (N, H_in) or (H_in) and h (N, H) or (H); zeros when h is not given. */
  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    checkCellInput('RNNCell', input);
    checkCellHidden('RNNCell', hx ?? null);
    return this.runCell(this.nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', input, hx ? [hx] : null)[0];
  }

  override extraRepr(): string {
    const s = super.extraRepr();
    return this.nonlinearity === 'tanh' ? s : `${s}, nonlinearity=${this.nonlinearity}`;
  }
}

/** One LSTM step: `call(input, [h, c]?)` returns [h', c']. */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, bias?: boolean | CellOptions) {
    super(inputSize, hiddenSize, bias, 4);
  }

  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    checkCellInput('LSTMCell', input);
    checkStatePair(hx, 'LSTMCell.forward');
    (hx ?? []).forEach((h, i) => {
      if (h.dim() !== 1 && h.dim() !== 2) throw new Error(`LSTMCell: Expected hx[${i}] to be 1D or 2D, got ${h.dim()}D instead`);
    });
    const [h, c] = this.runCell('LSTM', input, hx ?? null);
    return [h, c];
  }
}

/** One GRU step: `call(input, h?)` returns h'. */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, bias?: boolean | CellOptions) {
    super(inputSize, hiddenSize, bias, 3);
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    checkCellInput('GRUCell', input);
    checkCellHidden('GRUCell', hx ?? null);
    return this.runCell('GRU', input, hx ? [hx] : null)[0];
  }
}
