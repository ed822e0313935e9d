// Stand-ins for the CPython object addresses PyTorch shows in reprs (`<MulBackward0 object at 0x7f...>`):
// unique per object, in the same range of values.
let next = 0x7f0000001000;

export function nextAddress(): number {
  next += 0x40;
  return next;
}
