// Stand-ins for the CPython object addresses PyTorch shows in reprs (`<MulBackward0 object at 0x7f...>`):
// unique per object, in the same range of values.
//
// Objects keep the number of their address, a small integer, and compute the address when shown: the
// addresses themselves are doubles, and storing one per graph node (and in this counter) allocated a
// heap number per node.
let count = 0;

/** A new address number; `addressOf` gives its address. */
export function nextAddressId(): number {
  return ++count;
}

export function addressOf(id: number): number {
  return 0x7f0000001000 + id * 0x40;
}
