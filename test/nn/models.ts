// Models that tools/golden/gen_nn_core.py builds the same way in PyTorch (same names, same order).
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';

const nn = torch.nn;

export function sequentialModel(): torch.nn.Sequential {
  return new nn.Sequential(new nn.Linear(4, 8), new nn.Dropout(0.25), new nn.Linear(8, 3), new nn.Flatten(0));
}

/** The generator's Net: core layers, a persistent and a non-persistent buffer, a ModuleDict. */
export class Net extends nn.Module {
  flatten = new nn.Flatten();
  fc1 = new nn.Linear(16, 12);
  drop = new nn.Dropout(0.1);
  fc2 = new nn.Linear(12, 4, { bias: false });
  heads: torch.nn.ModuleDict;

  constructor() {
    super();
    this.registerBuffer('steps', torch.zeros([]));
    this.registerBuffer('scratch', torch.zeros(2), { persistent: false });
    this.heads = new nn.ModuleDict({ a: new nn.Linear(4, 2), b: new nn.Identity() });
  }

  override forward(x: Tensor): Tensor {
    return this.fc2.call(this.drop.call(this.fc1.call(this.flatten.call(x))));
  }
}

export class Wide extends nn.Module {
  emb = new nn.Embedding(10, 3, { paddingIdx: 0 });
  blocks = new nn.ModuleList([
    ...Array.from({ length: 3 }, () => new nn.Linear(3, 3)),
    new nn.Dropout(0.5),
    new nn.Linear(3, 3),
    new nn.Linear(3, 3),
  ]);
  seq = new nn.Sequential(new Map<string, torch.nn.Module>([['proj', new nn.Bilinear(3, 3, 2)], ['out', new nn.Unflatten(1, [2, 1])]]));

  override extraRepr(): string {
    return 'first line\nsecond line';
  }
}

/** The generator's ParamHolder: a ParameterList, a ParameterDict (ordered) and a Linear. */
export class ParamHolder extends nn.Module {
  plist = new nn.ParameterList([torch.ones(1), torch.ones(2, 2)]);
  pdict = new nn.ParameterDict(new Map([['z', torch.ones(1)], ['y', torch.ones(3)]]));
  lin = new nn.Linear(1, 1);
}
