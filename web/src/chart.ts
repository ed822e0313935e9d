// The live chart: training loss (left axis) and test accuracy (right axis, 0-100%) against steps.

export interface ChartPoint {
  readonly step: number;
  readonly value: number;
}

const PAD = { left: 52, right: 56, top: 30, bottom: 34 };
const LOSS_COLOUR = '#2f6fdf';
const ACCURACY_COLOUR = '#ee4c2c';

/** The smallest of 1, 2 or 5 times a power of ten that is at least `least`: tick spacing people read easily. */
function roundTick(least: number): number {
  const power = 10 ** Math.floor(Math.log10(least));
  return [1, 2, 5, 10].map((m) => m * power).find((t) => t >= least) as number;
}

export class TrainingChart {
  readonly loss: ChartPoint[] = [];
  readonly accuracy: ChartPoint[] = [];
  private readonly context: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement) {
    // Drawn at the screen's pixel density, so lines stay sharp on high-DPI screens.
    const scale = window.devicePixelRatio || 1;
    const { width, height } = canvas;
    canvas.width = width * scale;
    canvas.height = height * scale;
    canvas.style.aspectRatio = `${width} / ${height}`;
    this.context = canvas.getContext('2d') as CanvasRenderingContext2D;
    this.context.scale(scale, scale);
    this.draw();
  }

  clear(): void {
    this.loss.length = 0;
    this.accuracy.length = 0;
    this.draw();
  }

  addLoss(step: number, loss: number): void {
    this.loss.push({ step, value: loss });
    this.draw();
  }

  addAccuracy(step: number, accuracy: number): void {
    this.accuracy.push({ step, value: accuracy });
    this.draw();
  }

  private draw(): void {
    this.describe();
    const ctx = this.context;
    const scale = window.devicePixelRatio || 1;
    const width = this.canvas.width / scale;
    const height = this.canvas.height / scale;
    const plotW = width - PAD.left - PAD.right;
    const plotH = height - PAD.top - PAD.bottom;
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);

    const lastStep = Math.max(100, this.loss.at(-1)?.step ?? 0);
    const maxLoss = Math.max(2.5, ...this.loss.map((p) => p.value));
    const x = (step: number): number => PAD.left + (step / lastStep) * plotW;
    const yLoss = (v: number): number => PAD.top + (1 - v / maxLoss) * plotH;
    const yAccuracy = (v: number): number => PAD.top + (1 - v) * plotH;

    ctx.font = '12px system-ui, sans-serif';
    ctx.lineWidth = 1;
    for (let i = 0; i <= 5; i++) {
      const y = PAD.top + (i / 5) * plotH;
      ctx.strokeStyle = '#e6e9ee';
      ctx.beginPath();
      ctx.moveTo(PAD.left, y);
      ctx.lineTo(PAD.left + plotW, y);
      ctx.stroke();
      ctx.fillStyle = LOSS_COLOUR;
      ctx.textAlign = 'right';
      ctx.fillText((maxLoss * (1 - i / 5)).toFixed(2), PAD.left - 6, y + 4);
      ctx.fillStyle = ACCURACY_COLOUR;
      ctx.textAlign = 'left';
      ctx.fillText(`${100 - i * 20}%`, PAD.left + plotW + 6, y + 4);
    }
    ctx.fillStyle = '#5f6b7a';
    ctx.textAlign = 'center';
    const tick = roundTick(lastStep / 5);
    for (let step = 0; step <= lastStep; step += tick) ctx.fillText(String(step), x(step), height - PAD.bottom + 16);
    ctx.fillText('step', PAD.left + plotW / 2, height - 4);

    this.line(this.loss, x, yLoss, LOSS_COLOUR);
    this.line(this.accuracy, x, yAccuracy, ACCURACY_COLOUR, true);

    ctx.textAlign = 'left';
    ctx.font = '13px system-ui, sans-serif';
    ctx.fillStyle = LOSS_COLOUR;
    ctx.fillText('\u25A0 training loss', PAD.left, 18);
    ctx.fillStyle = ACCURACY_COLOUR;
    ctx.fillText('\u25A0 test accuracy', PAD.left + 120, 18);
  }

  /** What the chart shows, in words, for screen readers (and the end-to-end test). */
  private describe(): void {
    const loss = this.loss.at(-1);
    const parts = [
      loss === undefined ? 'no training yet' : `training loss ${loss.value.toFixed(4)} at step ${loss.step}`,
      ...(this.accuracy.length === 0 ? [] : [`test accuracy ${this.accuracy.map((p) => `${(p.value * 100).toFixed(1)}% at step ${p.step}`).join(', ')}`]),
    ];
    this.canvas.setAttribute('aria-label', `Training chart: ${parts.join('; ')}`);
  }

  private line(points: readonly ChartPoint[], x: (s: number) => number, y: (v: number) => number, colour: string, dots = false): void {
    const ctx = this.context;
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    points.forEach((p, i) => (i === 0 ? ctx.moveTo(x(p.step), y(p.value)) : ctx.lineTo(x(p.step), y(p.value))));
    ctx.stroke();
    if (dots) {
      for (const p of points) {
        ctx.beginPath();
        ctx.arc(x(p.step), y(p.value), 3, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
}
