// Lays out the backward graph of the program's tensors: one box per grad_fn node, an edge per entry of
// `nextFunctions`, the roots (the latest results) on top, leaves' AccumulateGrad at the bottom. Runs in
// the playground's worker, which sends the layout (plain data) to the page to draw (graph-svg.ts).
import * as torch from 'tstorch';

type GraphNode = torch.autograd.Node;

/** A value of the program, under the name it has there (or the source of the last line's expression). */
export interface NamedValue {
  readonly name: string;
  readonly value: unknown;
}

/** The program's tensors by name, the parameters of its modules included (`layer.weight`). */
export function namedTensors(values: readonly NamedValue[]): Array<{ name: string; value: torch.Tensor }> {
  return values.flatMap(({ name, value }) => {
    if (torch.isTensor(value)) return [{ name, value }];
    if (value instanceof torch.nn.Module) return value.namedParameters({ prefix: name }).map(([n, p]) => ({ name: n, value: p }));
    return [];
  });
}

/** Box widths follow the text: this many pixels per character of the monospace font, plus padding. */
const CHAR_WIDTH = 7.4;
const BOX_PADDING = 22;
const BOX_GAP = 18;

export interface NodeView {
  /** The node's name as PyTorch's torchviz shows it (`MulBackward0`, `AccumulateGrad`). */
  readonly title: string;
  /** `node.name()` in full. */
  readonly fullName: string;
  /** The variables the node belongs to, or an unnamed leaf's shape; may be empty. */
  readonly label: string;
  readonly leaf: boolean;
  readonly width: number;
  /** The row (0: the roots) and the left edge within the graph's width. */
  readonly layer: number;
  readonly x: number;
}

export interface GraphView {
  readonly nodes: NodeView[];
  /** Indices into `nodes`: from a node to one of its nextFunctions, once per pair. */
  readonly edges: Array<[number, number]>;
  readonly width: number;
  readonly layers: number;
}

interface Placed {
  readonly node: GraphNode;
  readonly view: Omit<NodeView, 'layer' | 'x'>;
  layer: number;
  x: number;
}

/**
 * The variables each node belongs to: the tensors a node produced (their gradFn), and for an
 * AccumulateGrad the leaf it accumulates into (one nobody named is shown by its shape).
 */
function labelsOf(values: readonly NamedValue[]): (node: GraphNode) => string {
  const named = namedTensors(values);
  return (node) => {
    const leaf = node instanceof torch.autograd.AccumulateGrad ? node.variable : null;
    const names = named.filter(({ value }) => (leaf === null ? value.gradFn === node : value === leaf)).map((v) => v.name);
    if (names.length > 0) return names.join(', ');
    return leaf === null ? '' : `[${leaf.shape.join(', ')}]`;
  };
}

function children(node: GraphNode): GraphNode[] {
  return [...new Set(node.nextFunctions.map(([next]) => next).filter((n): n is GraphNode => n !== null))];
}

/** Every node reachable from the roots, parents before children (reverse post-order). */
function topologicalOrder(roots: readonly GraphNode[]): GraphNode[] {
  const seen = new Set<GraphNode>();
  const postOrder: GraphNode[] = [];
  const visit = (node: GraphNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    children(node).forEach(visit);
    postOrder.push(node);
  };
  roots.forEach(visit);
  return postOrder.reverse();
}

/**
 * The graph behind the tensors among `values`, laid out in layers by longest path from a root; within a
 * layer, boxes follow their parents (barycentres), and every layer is centred under the widest. Null
 * when no tensor has a grad_fn.
 */
export function graphOf(values: readonly NamedValue[]): GraphView | null {
  const roots = namedTensors(values).map(({ value }) => value.gradFn).filter((n): n is GraphNode => n !== null);
  if (roots.length === 0) return null;
  const order = topologicalOrder(roots);
  const labelOf = labelsOf(values);
  const placed = new Map<GraphNode, Placed>();
  for (const node of order) {
    const title = node.name().replace(/^torch::autograd::/, '');
    const label = labelOf(node);
    const leaf = node instanceof torch.autograd.AccumulateGrad;
    placed.set(node, { node, view: { title, fullName: node.name(), label, leaf, width: Math.max(title.length, label.length) * CHAR_WIDTH + BOX_PADDING }, layer: 0, x: 0 });
  }
  for (const node of order) {
    const from = placed.get(node) as Placed;
    for (const child of children(node)) {
      const to = placed.get(child) as Placed;
      to.layer = Math.max(to.layer, from.layer + 1);
    }
  }
  const layers: Placed[][] = [];
  const parentsOf = new Map<GraphNode, Placed[]>();
  for (const p of placed.values()) {
    (layers[p.layer] ??= []).push(p);
    for (const child of children(p.node)) parentsOf.set(child, [...(parentsOf.get(child) ?? []), p]);
  }
  const centre = (p: Placed): number => {
    const parents = parentsOf.get(p.node) ?? [];
    return parents.length === 0 ? 0 : parents.reduce((s, q) => s + q.x + q.view.width / 2, 0) / parents.length;
  };
  let width = 0;
  for (const layer of layers) {
    layer.sort((a, b) => centre(a) - centre(b));
    let x = 0;
    for (const p of layer) {
      p.x = x;
      x += p.view.width + BOX_GAP;
    }
    width = Math.max(width, x - BOX_GAP);
  }
  for (const layer of layers) {
    const last = layer[layer.length - 1];
    const shift = (width - (last.x + last.view.width)) / 2;
    for (const p of layer) p.x += shift;
  }
  const index = new Map(order.map((node, i) => [node, i]));
  return {
    nodes: order.map((node) => {
      const p = placed.get(node) as Placed;
      return { ...p.view, layer: p.layer, x: p.x };
    }),
    edges: order.flatMap((node, i) => children(node).map((child): [number, number] => [i, index.get(child) as number])),
    width,
    layers: layers.length,
  };
}
