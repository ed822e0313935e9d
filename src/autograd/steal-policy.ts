// Which gradient buffers the engine may hand to a leaf as its `.grad` without a copy, or add into.
import type { Tensor } from '../tensor/tensor.js';
import { sameShape } from '../tensor/layout.js';
import { storageCount } from '../tensor/storage.js';
import type { MaybeTensor } from './node.js';

/**
 * What decides whether a leaf may take the gradient buffer it receives as its `.grad` (PyTorch steals
 * a gradient nobody else references). JavaScript has no reference counts, so a buffer is taken only
 * when it is certainly private: its storage was made during this run by built-in backward formulas, no
 * user code (hooks, custom Functions) could have seen it, and no two gradients share it.
 */
export class StealPolicy {
  /** Storages from before the run belong to the user (given gradients, saved tensors). */
  private declare readonly firstFresh: number;
  /** Set once user code runs: from then on a buffer may be referenced from outside. */
  private declare userCodeRan: boolean;

  constructor() {
    this.firstFresh = storageCount();
    this.userCodeRan = false;
  }

  noteUserCode(): void {
    this.userCodeRan = true;
  }

  /**
   * Marks storages that a node gave to several of its edges (AddBackward passes one gradient on twice).
   * A mark of this run is never mistaken for another's: a nested run (from a hook) starts after user
   * code ran, when this one takes nothing more, and its own marks name it.
   */
  noteOutputs(outputs: MaybeTensor[]): void {
    for (let i = 0; i < outputs.length; i++) {
      const a = outputs[i];
      if (a === null) continue;
      for (let j = i + 1; j < outputs.length; j++) {
        const b = outputs[j];
        if (b !== null && b.storage_ === a.storage_) a.storage_.claimedBy = this;
      }
    }
  }

  /** Marks gradients handed out of the run (autograd.grad's captured ones): never written or taken. */
  noteHandedOut(grads: readonly MaybeTensor[]): void {
    for (const g of grads) if (g !== null && g !== undefined) g.storage_.claimedBy = this;
  }

  /** Whether `grad`'s storage is this run's own: made by built-in formulas, shared with nothing. */
  private isPrivate(grad: Tensor): boolean {
    const storage = grad.storage_;
    return !this.userCodeRan && storage.serial >= this.firstFresh && storage.claimedBy !== this;
  }

  /**
   * Whether the engine may add another gradient into `grad`'s elements in place (PyTorch's InputBuffer
   * accumulates in place into a buffer nobody else references): private, and all of its storage.
   */
  mayAddInto(grad: Tensor): boolean {
    return this.isPrivate(grad) && grad.offset_ === 0 && grad.storage_.length === grad.numel() && grad.isContiguous();
  }

  /** Takes `grad` for `variable.grad` when that is safe and keeps the layout `.grad` must have. */
  take(grad: Tensor, variable: Tensor): boolean {
    const storage = grad.storage_;
    const owned =
      this.isPrivate(grad) &&
      grad.offset_ === 0 &&
      sameShape(grad.shape_, variable.shape_) &&
      storage.length === variable.numel() &&
      sameShape(grad.strides_, variable.strides_) &&
      grad.isContiguous();
    if (owned) storage.claimedBy = this;
    return owned;
  }
}

/**
 * The run whose built-in backward formula is running, while the gradients that formula receives are
 * its alone (the engine sets it around the node's apply when no graph of the backward is recorded and
 * no hook will see those gradients after it).
 */
let formulaRun: StealPolicy | null = null;

/** @internal Sets the run whose formula is running (null: none may overwrite); returns the previous one. */
export function swapFormulaRun(run: StealPolicy | null): StealPolicy | null {
  const previous = formulaRun;
  formulaRun = run;
  return previous;
}

/**
 * Whether a backward formula may write its result into the elements of `grad`, one of the gradients it
 * received, instead of into fresh memory (as PyTorch's formulas may reuse a gradient nobody else
 * references). The formula must not read `grad` again after writing it.
 */
export function mayOverwriteGradient(grad: Tensor): boolean {
  return formulaRun !== null && formulaRun.mayAddInto(grad);
}
