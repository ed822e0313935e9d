// Section 1 of the page: the editor, its examples, the printed values and gradients, the graph.
import { EXAMPLES } from './examples.js';
import { byId } from './dom.js';
import { drawGraph } from './graph.js';
import { namedTensors, pyStr, runProgram, type NamedValue } from './playground.js';

/** One titled value: `name` over its printed form. */
function valueBlock(title: string, text: string, isGrad: boolean): HTMLElement {
  const block = document.createElement('div');
  block.className = 'value';
  block.dataset.name = title;
  const heading = document.createElement('h3');
  heading.textContent = title;
  if (isGrad) heading.className = 'grad';
  const body = document.createElement('pre');
  body.textContent = text;
  block.append(heading, body);
  return block;
}

/**
 * The gradients a user looks for after backward: those the named tensors and the modules' parameters
 * received. Only leaves and tensors that retain their gradient have one (reading any other's warns, as
 * in PyTorch).
 */
function gradients(values: readonly NamedValue[]): NamedValue[] {
  return namedTensors(values).flatMap(({ name, value }) =>
    (value.isLeaf || value.retainsGrad) && value.grad !== null ? [{ name: `${name}.grad`, value: value.grad }] : [],
  );
}

function render(output: HTMLElement, graph: SVGSVGElement, source: string): void {
  const result = runProgram(source);
  const blocks: HTMLElement[] = [];
  if (result.printed.length > 0) {
    const printed = document.createElement('pre');
    printed.className = 'printed';
    printed.textContent = result.printed.join('\n');
    blocks.push(printed);
  }
  for (const { name, value } of result.values) blocks.push(valueBlock(name, pyStr(value), false));
  for (const { name, value } of gradients(result.values)) blocks.push(valueBlock(name, pyStr(value), true));
  if (result.error !== null) {
    const error = document.createElement('pre');
    error.className = 'error';
    error.textContent = result.error;
    blocks.push(error);
  }
  output.replaceChildren(...blocks);
  drawGraph(graph, result.values);
}

/** Wires the section up and runs the tutorial once, so the page opens showing a result. */
export function setUpAutogradPanel(): void {
  const code = byId<HTMLTextAreaElement>('code');
  const run = byId<HTMLButtonElement>('run');
  const examples = byId<HTMLSelectElement>('examples');
  const output = byId<HTMLElement>('output');
  const graph = byId<SVGSVGElement>('graph');

  EXAMPLES.forEach(({ title }, i) => examples.append(new Option(title, String(i))));
  examples.addEventListener('change', () => {
    code.value = EXAMPLES[Number(examples.value)].code;
    render(output, graph, code.value);
  });
  code.value = EXAMPLES[0].code;

  run.addEventListener('click', () => render(output, graph, code.value));
  code.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      render(output, graph, code.value);
    } else if (event.key === 'Tab' && !event.shiftKey) {
      // A code editor indents rather than leaving the field.
      event.preventDefault();
      code.setRangeText('  ', code.selectionStart, code.selectionEnd, 'end');
    }
  });
  render(output, graph, code.value);
  run.disabled = false;
}
