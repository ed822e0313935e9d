import * as torch from 'tstorch';

/** A workload ready to time: `step` is one iteration; nothing in it reads values back. */
export interface Prepared {
  step(): void;
  /** The loss before any training step, to check that both sides compute the same thing. */
  initialLoss?: number;
}

/** WORKLOADS.md's training step: zero grads, forward, loss, backward, optimizer step. */
export function trainingStep(
  model: { call(input: torch.Tensor): torch.Tensor },
  optimizer: torch.optim.Optimizer,
  input: torch.Tensor,
  target: torch.Tensor,
): Prepared {
  const criterion = new torch.nn.CrossEntropyLoss();
  return {
    initialLoss: torch.noGrad(() => criterion.call(model.call(input), target).item()),
    step() {
      optimizer.zeroGrad();
      criterion.call(model.call(input), target).backward();
      optimizer.step();
    },
  };
}
