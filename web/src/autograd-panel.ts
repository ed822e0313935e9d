// Section 1 of the page: the editor and its examples; the printed values, gradients and graph of each
// run. Programs run in the playground's worker; one that runs long can be stopped, which replaces the
// worker with a fresh one, so the page survives endless loops.
import { byId } from './dom.js';
import { EXAMPLES } from './examples.js';
import { drawGraph } from './graph-svg.js';
import type { RunView } from './playground.js';
import type { PlaygroundReply, PlaygroundRequest } from './protocol.js';

/** A run still going after this long offers the Stop button. */
const STOP_OFFER_MS = 1000;

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

function pre(className: string, text: string): HTMLElement {
  const el = document.createElement('pre');
  el.className = className;
  el.textContent = text;
  return el;
}

/**
 * Shows a run's outcome. `output.dataset.runs` counts the runs shown, so that a reader (the end-to-end
 * test) can tell a new result from the previous one.
 */
function render(output: HTMLElement, graph: SVGSVGElement, view: RunView): void {
  output.replaceChildren(
    ...(view.printed.length > 0 ? [pre('printed', view.printed.join('\n'))] : []),
    ...view.values.map(({ name, text }) => valueBlock(name, text, false)),
    ...view.gradients.map(({ name, text }) => valueBlock(name, text, true)),
    ...(view.error !== null ? [pre('error', view.error)] : []),
  );
  output.dataset.runs = String(Number(output.dataset.runs ?? 0) + 1);
  drawGraph(graph, view.graph);
}

/** Wires the section up; `onInteractive` runs once the first result (the tutorial's) is on the page. */
export function setUpAutogradPanel(onInteractive: () => void): void {
  const code = byId<HTMLTextAreaElement>('code');
  const run = byId<HTMLButtonElement>('run');
  const stop = byId<HTMLButtonElement>('stop');
  const status = byId<HTMLElement>('run-status');
  const examples = byId<HTMLSelectElement>('examples');
  const output = byId<HTMLElement>('output');
  const graph = byId<SVGSVGElement>('graph');

  let worker: Worker;
  let nextId = 0;
  /** The run under way: its id, when it started, and the timer that offers Stop. */
  let pending: { id: number; started: number; offerStop: ReturnType<typeof setTimeout> } | null = null;
  let interactive = false;

  const finish = (): void => {
    if (pending !== null) clearTimeout(pending.offerStop);
    pending = null;
    stop.hidden = true;
    status.textContent = '';
    run.disabled = false;
  };

  const execute = (): void => {
    if (run.disabled) return;
    const id = ++nextId;
    pending = { id, started: performance.now(), offerStop: setTimeout(() => (stop.hidden = false), STOP_OFFER_MS) };
    run.disabled = true;
    status.textContent = 'running…';
    worker.postMessage({ type: 'run', id, source: code.value } satisfies PlaygroundRequest);
  };

  const startWorker = (): void => {
    worker = new Worker(new URL('./playground-worker.js', import.meta.url), { type: 'module' });
    worker.addEventListener('message', ({ data }: MessageEvent<PlaygroundReply>) => {
      if (data.type === 'ready') {
        run.disabled = false;
        if (!interactive) execute();
        return;
      }
      if (pending === null || data.id !== pending.id) return;
      finish();
      render(output, graph, data.view);
      if (!interactive) {
        interactive = true;
        onInteractive();
      }
    });
  };

  stop.addEventListener('click', () => {
    if (pending === null) return;
    const seconds = ((performance.now() - pending.started) / 1000).toFixed(1);
    worker.terminate();
    finish();
    run.disabled = true;
    render(output, graph, { printed: [], values: [], gradients: [], graph: null, error: `Stopped after ${seconds} s (does a loop never end?)` });
    startWorker();
  });

  EXAMPLES.forEach(({ title }, i) => examples.append(new Option(title, String(i))));
  examples.addEventListener('change', () => {
    code.value = EXAMPLES[Number(examples.value)].code;
    execute();
  });
  code.value = EXAMPLES[0].code;
  run.addEventListener('click', execute);
  code.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      execute();
    } else if (event.key === 'Tab' && !event.shiftKey) {
      // A code editor indents rather than leaving the field.
      event.preventDefault();
      code.setRangeText('  ', code.selectionStart, code.selectionEnd, 'end');
    }
  });
  startWorker();
}
