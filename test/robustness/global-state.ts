// The library's global state, read and compared: grad mode, inference mode, anomaly mode, print
// options, the default dtype, the default generator's state, the active backend and its thread count.
import { isDeepStrictEqual } from 'node:util';
import * as torch from 'tstorch';

export interface GlobalState {
  grad: boolean;
  inference: boolean;
  anomaly: boolean;
  anomalyCheckNan: boolean;
  print: torch.PrintOptions;
  defaultDtype: torch.DType;
  rng: Uint8Array;
  backend: BackendName;
  threads: number;
}

type BackendName = ReturnType<typeof torch.backends.current>;

export function snapshot(): GlobalState {
  return {
    grad: torch.isGradEnabled(),
    inference: torch.isInferenceModeEnabled(),
    anomaly: torch.isAnomalyEnabled(),
    anomalyCheckNan: torch.isAnomalyCheckNanEnabled(),
    print: torch.getPrintoptions(),
    defaultDtype: torch.getDefaultDtype(),
    rng: torch.getRngState(),
    backend: torch.backends.current(),
    threads: torch.getNumThreads(),
  };
}

/** The names of the parts of the state that differ between two snapshots. */
export function changed(before: GlobalState, after: GlobalState): string[] {
  return (Object.keys(before) as (keyof GlobalState)[]).filter((k) => !isDeepStrictEqual(before[k], after[k]));
}

/**
 * Puts the settable parts back (inference mode is restored only by disposing the guard that
 * entered it, so a leak of it cannot be repaired here: `changed` reports it).
 */
export function restore(state: GlobalState): void {
  torch.setGradEnabled(state.grad);
  torch.autograd.setDetectAnomaly(state.anomaly, { checkNan: state.anomalyCheckNan });
  torch.setPrintoptions({ ...state.print });
  torch.setDefaultDtype(state.defaultDtype);
  torch.setRngState(state.rng);
  if (torch.backends.current() !== state.backend) torch.backends.use(state.backend);
  if (torch.getNumThreads() !== state.threads) torch.setNumThreads(state.threads);
}
