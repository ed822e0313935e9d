// Draws a laid-out backward graph (graph.ts) as SVG: boxes named after the grad_fn nodes, labelled with
// their variables, and arrows along nextFunctions, the direction gradients flow.
import type { GraphView, NodeView } from './graph.js';

const SVG = 'http://www.w3.org/2000/svg';
const LAYER_GAP = 74;
const BOX_HEIGHT = 38;
const MARGIN = 14;

function element<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, String(value));
  parent.append(el);
  return el;
}

function setSize(svg: SVGSVGElement, width: number, height: number): void {
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
}

/** Replaces the contents of `svg` with `graph`, or with a note when there is none. */
export function drawGraph(svg: SVGSVGElement, graph: GraphView | null): void {
  svg.replaceChildren();
  if (graph === null) {
    setSize(svg, 480, 40);
    element('text', { x: MARGIN, y: 25, class: 'empty' }, svg).textContent = 'No tensor here has a grad_fn (create one with requiresGrad: true).';
    return;
  }
  setSize(svg, graph.width + 2 * MARGIN, (graph.layers - 1) * LAYER_GAP + BOX_HEIGHT + 2 * MARGIN);
  const marker = element('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, element('defs', {}, svg));
  element('path', { d: 'M 0 0 L 10 5 L 0 10 z' }, marker);
  const left = (n: NodeView): number => MARGIN + n.x;
  const top = (n: NodeView): number => MARGIN + n.layer * LAYER_GAP;
  for (const [i, j] of graph.edges) {
    const [from, to] = [graph.nodes[i], graph.nodes[j]];
    const [x1, y1] = [left(from) + from.width / 2, top(from) + BOX_HEIGHT];
    const [x2, y2] = [left(to) + to.width / 2, top(to)];
    const bend = (y2 - y1) / 2;
    element('path', { d: `M ${x1} ${y1} C ${x1} ${y1 + bend}, ${x2} ${y2 - bend}, ${x2} ${y2}`, 'marker-end': 'url(#arrow)' }, svg);
  }
  for (const n of graph.nodes) {
    const group = element('g', { class: n.leaf ? 'node leaf' : 'node', transform: `translate(${left(n)} ${top(n)})`, 'data-name': n.title }, svg);
    element('title', {}, group).textContent = n.fullName;
    element('rect', { width: n.width, height: BOX_HEIGHT, rx: 6 }, group);
    element('text', { x: n.width / 2, y: n.label === '' ? 23 : 16, 'text-anchor': 'middle' }, group).textContent = n.title;
    if (n.label !== '') element('text', { x: n.width / 2, y: 31, 'text-anchor': 'middle', class: 'label' }, group).textContent = n.label;
  }
}
