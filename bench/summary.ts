// The README's benchmark table from one or more result files of `npm run bench`: one row per case,
// and per thread count a PyTorch column and one column per tstorch backend, each cell the median of
// the case's first metric with the tstorch/PyTorch ratio measured beside it; where TensorFlow.js's
// wasm backend ran beside the wasm backend, a column for it with the ratio wasm/TF.js. Where several
// files measured the same case, thread count and backend, the first file given wins.
//
//   node dist/bench/summary.js bench/results/<1-thread run>.json bench/results/<2-thread run>.json
import { readFileSync } from 'node:fs';
import { fmt, type SavedCase } from './report.js';

interface SavedRun {
  quick?: boolean;
  cases: SavedCase[];
}

function readRun(path: string): SavedRun {
  const run = JSON.parse(readFileSync(path, 'utf8')) as SavedRun;
  if (!Array.isArray(run.cases)) throw new Error(`${path}: not a result file of npm run bench (no "cases")`);
  if (run.cases.some((c) => typeof c.backend !== 'string')) throw new Error(`${path}: written before runs recorded their backend`);
  if (run.quick === true) console.error(`${path}: a --quick run (few samples)`);
  return run;
}

/** Each thread count with the backends measured at it, in the order the files list them. */
function columns(cases: readonly SavedCase[]): Array<{ threads: number; backends: string[]; tfjs: boolean }> {
  const out: Array<{ threads: number; backends: string[]; tfjs: boolean }> = [];
  for (const c of cases) {
    let column = out.find((col) => col.threads === c.threads);
    if (column === undefined) out.push((column = { threads: c.threads, backends: [], tfjs: false }));
    if (!column.backends.includes(c.backend)) column.backends.push(c.backend);
    if (c.tfjs != null) column.tfjs = true;
  }
  return out.sort((a, b) => a.threads - b.threads);
}

const threadWord = (n: number): string => `${n} thread${n === 1 ? '' : 's'}`;

function summaryTable(cases: readonly SavedCase[]): string {
  const cols = columns(cases);
  const ids = [...new Set(cases.map((c) => c.id))];
  const find = (id: string, threads: number, backend: string): SavedCase | undefined =>
    cases.find((c) => c.id === id && c.threads === threads && c.backend === backend);
  const header = ['case', 'unit'];
  for (const col of cols) {
    header.push(`PyTorch, ${threadWord(col.threads)}`, ...col.backends.map((b) => `${b}, ${threadWord(col.threads)}`));
    if (col.tfjs) header.push(`TF.js wasm, ${threadWord(col.threads)}`);
  }
  header.push('target');
  const lines = [`| ${header.join(' | ')} |`, `|---|---|${header.slice(2).map(() => '---:').join('|')}|`];
  for (const id of ids) {
    const any = cases.find((c) => c.id === id) as SavedCase;
    const row = [id, any.metrics[0].unit];
    for (const col of cols) {
      // PyTorch as measured beside the first backend of the column.
      const beside = col.backends.map((b) => find(id, col.threads, b)).find((c) => c?.metrics[0].pytorch);
      const pytorch = beside?.metrics[0].pytorch;
      row.push(pytorch ? fmt(pytorch.median) : '–');
      for (const backend of col.backends) {
        const c = find(id, col.threads, backend);
        const tstorch = c?.metrics[0].tstorch;
        row.push(tstorch ? `${fmt(tstorch.median)}${c?.ratio != null ? ` (${fmt(c.ratio)}×)` : ''}` : '–');
      }
      if (col.tfjs) {
        // TensorFlow.js as measured beside the wasm backend, with wasm's ratio over it.
        const wasm = find(id, col.threads, 'wasm');
        const tfjs = wasm?.metrics[0].tfjs;
        row.push(tfjs ? `${fmt(tfjs.median)}${wasm?.tfjsRatio != null ? ` (wasm ${fmt(wasm.tfjsRatio)}×)` : ''}` : '–');
      }
    }
    const targets = [any.targetRatio != null ? `≥ ${any.targetRatio}×` : '', any.tfjsTargetRatio != null ? `wasm ≥ ${any.tfjsTargetRatio}× TF.js` : ''];
    row.push(targets.filter((t) => t !== '').join(', '));
    lines.push(`| ${row.join(' | ')} |`);
  }
  return lines.join('\n');
}

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error('usage: node dist/bench/summary.js <results.json>...');
  process.exit(2);
}
console.log(summaryTable(paths.flatMap((p) => readRun(p).cases)));
