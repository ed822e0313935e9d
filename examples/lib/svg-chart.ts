// Line charts as a standalone SVG document: panels side by side, each with its axes, ticks, grid,
// lines (optionally marked points) and a legend. No dependencies; any browser displays the file.

export interface Series {
  name: string;
  /** [x, y] pairs in data units. */
  points: readonly (readonly [number, number])[];
  color: string;
  /** Draw a dot at each point (for sparse series). */
  markers?: boolean;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** The x axis's span (default: the data's). */
  xRange?: [number, number];
}

const PANEL_WIDTH = 480;
const PANEL_HEIGHT = 340;
const MARGIN = { left: 64, right: 20, top: 56, bottom: 48 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten, about six of them. */
function ticks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 6;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** The data range of one coordinate over all series, widened when empty or flat. */
function extent(panel: Panel, axis: 0 | 1): [number, number] {
  const values = panel.series.flatMap((s) => s.points.map((p) => p[axis]));
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi - lo < 1e-12) [lo, hi] = [lo - 0.5, hi + 0.5];
  const pad = axis === 1 ? 0.05 * (hi - lo) : 0;
  return [lo - pad, hi + pad];
}

function renderPanel(panel: Panel, left: number): string {
  const [x0, x1] = panel.xRange ?? extent(panel, 0);
  const [y0, y1] = extent(panel, 1);
  const plotW = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => left + MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y: number) => MARGIN.top + (1 - (y - y0) / (y1 - y0)) * plotH;
  const parts: string[] = [];
  parts.push(`<text x="${left + PANEL_WIDTH / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(panel.title)}</text>`);
  for (const t of ticks(y0, y1)) {
    const y = py(t).toFixed(1);
    parts.push(`<line x1="${px(x0)}" y1="${y}" x2="${px(x1)}" y2="${y}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${px(x0) - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">${t}</text>`);
  }
  for (const t of ticks(x0, x1)) {
    const x = px(t).toFixed(1);
    parts.push(`<line x1="${x}" y1="${py(y0)}" x2="${x}" y2="${py(y1)}" stroke="#f0f0f0"/>`);
    parts.push(`<text x="${x}" y="${py(y0) + 16}" text-anchor="middle" font-size="11">${t}</text>`);
  }
  parts.push(`<rect x="${px(x0)}" y="${py(y1)}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${left + MARGIN.left + plotW / 2}" y="${PANEL_HEIGHT - 10}" text-anchor="middle" font-size="12">${escapeXml(panel.xLabel)}</text>`);
  const yMid = MARGIN.top + plotH / 2;
  parts.push(`<text x="${left + 16}" y="${yMid}" text-anchor="middle" font-size="12" transform="rotate(-90 ${left + 16} ${yMid})">${escapeXml(panel.yLabel)}</text>`);
  // The legend sits in a row between the title and the plot, so it never hides a line.
  let legendX = px(x0);
  for (const s of panel.series) {
    parts.push(`<line x1="${legendX}" y1="40" x2="${legendX + 20}" y2="40" stroke="${s.color}" stroke-width="2.5"/>`);
    parts.push(`<text x="${legendX + 26}" y="40" dominant-baseline="middle" font-size="11">${escapeXml(s.name)}</text>`);
    legendX += 40 + 6.5 * s.name.length;
  }
  for (const s of panel.series) {
    const path = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`);
    if (s.markers) for (const [x, y] of s.points) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="${s.color}"/>`);
  }
  return parts.join('\n');
}

/** An SVG document with the panels side by side. */
export function svgChart(panels: Panel[]): string {
  const width = PANEL_WIDTH * panels.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${PANEL_HEIGHT}" viewBox="0 0 ${width} ${PANEL_HEIGHT}" font-family="sans-serif">`,
    `<rect width="${width}" height="${PANEL_HEIGHT}" fill="white"/>`,
    ...panels.map((p, i) => renderPanel(p, i * PANEL_WIDTH)),
    '</svg>',
    '',
  ].join('\n');
}
