// Draws the backward graph of the program's tensors as SVG: one box per grad_fn node, an arrow per edge
// of `nextFunctions`, the roots (the latest results) on top, leaves' AccumulateGrad at the bottom.
import * as torch from 'tstorch';
import { namedTensors, type NamedValue } from './playground.js';

type GraphNode = torch.autograd.Node;

const SVG = 'http://www.w3.org/2000/svg';
const LAYER_GAP = 74;
const BOX_HEIGHT = 38;
const BOX_GAP = 18;
const CHAR_WIDTH = 7.4;
const MARGIN = 14;

interface Placed {
  readonly node: GraphNode;
  readonly title: string;
  readonly label: string;
  readonly width: number;
  layer: number;
  x: number;
}

/** The node's name without the C++ namespace PyTorch gives AccumulateGrad. */
function shortName(node: GraphNode): string {
  return node.name().replace(/^torch::autograd::/, '');
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

/** Every node reachable from the roots, parents before children (reverse post-order). */
function topologicalOrder(roots: readonly GraphNode[]): GraphNode[] {
  const seen = new Set<GraphNode>();
  const postOrder: GraphNode[] = [];
  const visit = (node: GraphNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    for (const [next] of node.nextFunctions) if (next !== null) visit(next);
    postOrder.push(node);
  };
  roots.forEach(visit);
  return postOrder.reverse();
}

function children(node: GraphNode): GraphNode[] {
  return [...new Set(node.nextFunctions.map(([next]) => next).filter((n): n is GraphNode => n !== null))];
}

/** Layers by longest path from a root; within a layer, boxes follow their parents (barycentres). */
function layout(order: readonly GraphNode[], labelOf: (node: GraphNode) => string): { placed: Map<GraphNode, Placed>; width: number; layers: number } {
  const placed = new Map<GraphNode, Placed>();
  for (const node of order) {
    const title = shortName(node);
    const label = labelOf(node);
    placed.set(node, { node, title, label, width: Math.max(title.length, label.length) * CHAR_WIDTH + 22, layer: 0, x: 0 });
  }
  for (const node of order) {
    const from = placed.get(node) as Placed;
    for (const child of children(node)) {
      const to = placed.get(child) as Placed;
      to.layer = Math.max(to.layer, from.layer + 1);
    }
  }
  const layers: Placed[][] = [];
  for (const p of placed.values()) (layers[p.layer] ??= []).push(p);
  const parentsOf = new Map<GraphNode, Placed[]>();
  for (const p of placed.values()) for (const child of children(p.node)) parentsOf.set(child, [...(parentsOf.get(child) ?? []), p]);
  let width = 0;
  for (const layer of layers) {
    const centre = (p: Placed): number => {
      const parents = parentsOf.get(p.node) ?? [];
      return parents.length === 0 ? 0 : parents.reduce((s, q) => s + q.x + q.width / 2, 0) / parents.length;
    };
    layer.sort((a, b) => centre(a) - centre(b));
    let x = 0;
    for (const p of layer) {
      p.x = x;
      x += p.width + BOX_GAP;
    }
    width = Math.max(width, x - BOX_GAP);
  }
  // Centre every layer under the widest one.
  for (const layer of layers) {
    const last = layer[layer.length - 1];
    const shift = (width - (last.x + last.width)) / 2;
    for (const p of layer) p.x += shift;
  }
  return { placed, width, layers: layers.length };
}

function element<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, String(value));
  parent.append(el);
  return el;
}

/** Replaces the contents of `svg` with the graph behind the tensors among `values`. */
export function drawGraph(svg: SVGSVGElement, values: readonly NamedValue[]): void {
  svg.replaceChildren();
  const roots = values.map((v) => (torch.isTensor(v.value) ? v.value.gradFn : null)).filter((n): n is GraphNode => n !== null);
  if (roots.length === 0) {
    svg.setAttribute('viewBox', '0 0 480 40');
    svg.setAttribute('width', '480');
    svg.setAttribute('height', '40');
    const note = element('text', { x: MARGIN, y: 25, class: 'empty' }, svg);
    note.textContent = 'No tensor here has a grad_fn (create one with requiresGrad: true).';
    return;
  }
  const { placed, width, layers } = layout(topologicalOrder(roots), labelsOf(values));
  const w = width + 2 * MARGIN;
  const h = (layers - 1) * LAYER_GAP + BOX_HEIGHT + 2 * MARGIN;
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', String(h));
  const defs = element('defs', {}, svg);
  const marker = element('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
  element('path', { d: 'M 0 0 L 10 5 L 0 10 z' }, marker);
  const top = (p: Placed): number => MARGIN + p.layer * LAYER_GAP;
  for (const from of placed.values()) {
    for (const child of children(from.node)) {
      const to = placed.get(child) as Placed;
      const [x1, y1] = [MARGIN + from.x + from.width / 2, top(from) + BOX_HEIGHT];
      const [x2, y2] = [MARGIN + to.x + to.width / 2, top(to)];
      const bend = (y2 - y1) / 2;
      element('path', { d: `M ${x1} ${y1} C ${x1} ${y1 + bend}, ${x2} ${y2 - bend}, ${x2} ${y2}`, 'marker-end': 'url(#arrow)' }, svg);
    }
  }
  for (const p of placed.values()) {
    const leaf = p.node instanceof torch.autograd.AccumulateGrad;
    const group = element('g', { class: leaf ? 'node leaf' : 'node', transform: `translate(${MARGIN + p.x} ${top(p)})`, 'data-name': p.title }, svg);
    element('title', {}, group).textContent = p.node.name();
    element('rect', { width: p.width, height: BOX_HEIGHT, rx: 6 }, group);
    const name = element('text', { x: p.width / 2, y: p.label === '' ? 23 : 16, 'text-anchor': 'middle' }, group);
    name.textContent = p.title;
    if (p.label !== '') {
      const label = element('text', { x: p.width / 2, y: 31, 'text-anchor': 'middle', class: 'label' }, group);
      label.textContent = p.label;
    }
  }
}
