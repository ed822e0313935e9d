// The 28x28 drawing canvas: white ink on black, as Fashion-MNIST's images are, shown ten times larger.

const SIZE = 28;
/** The brush's radius in image pixels: strokes as thick as the data's garments' edges, soft at the rim. */
const BRUSH_RADIUS = 1.6;

export class Sketch {
  /** The image: 784 values in [0, 1], row by row. */
  readonly pixels = new Float32Array(SIZE * SIZE);
  private readonly small = document.createElement('canvas');

  /** `onChange` runs when a stroke ends (and during it, at most every 150 ms). */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onChange: (pixels: Float32Array) => void,
  ) {
    this.small.width = SIZE;
    this.small.height = SIZE;
    let lastChange = 0;
    /** Where the stroke under way is, in image pixels; null between strokes. */
    let last: [number, number] | null = null;
    canvas.addEventListener('pointerdown', (event) => {
      canvas.setPointerCapture(event.pointerId);
      last = this.paint(event, null);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (last === null) return;
      last = this.paint(event, last);
      if (event.timeStamp - lastChange > 150) {
        lastChange = event.timeStamp;
        this.onChange(this.pixels);
      }
    });
    const end = (): void => {
      if (last === null) return;
      last = null;
      this.onChange(this.pixels);
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    this.render();
  }

  clear(): void {
    this.pixels.fill(0);
    this.render();
  }

  /** Shows a uint8 image (a test image), which one may then draw over. */
  show(image: Uint8Array): void {
    image.forEach((v, i) => (this.pixels[i] = v / 255));
    this.render();
  }

  /** Inks a segment from the previous pointer position, so fast strokes have no gaps. */
  private paint(event: PointerEvent, from: readonly [number, number] | null): [number, number] {
    const rect = this.canvas.getBoundingClientRect();
    const to: [number, number] = [((event.clientX - rect.left) / rect.width) * SIZE, ((event.clientY - rect.top) / rect.height) * SIZE];
    const [x0, y0] = from ?? to;
    const steps = Math.max(1, Math.ceil(Math.hypot(to[0] - x0, to[1] - y0) * 2));
    for (let s = 0; s <= steps; s++) this.dab(x0 + ((to[0] - x0) * s) / steps, y0 + ((to[1] - y0) * s) / steps);
    this.render();
    return to;
  }

  /** Ink falls off with the distance from the pixel's centre to (x, y); a pixel keeps its darkest ink. */
  private dab(x: number, y: number): void {
    for (let py = Math.floor(y - BRUSH_RADIUS); py <= Math.ceil(y + BRUSH_RADIUS); py++) {
      for (let px = Math.floor(x - BRUSH_RADIUS); px <= Math.ceil(x + BRUSH_RADIUS); px++) {
        if (px < 0 || px >= SIZE || py < 0 || py >= SIZE) continue;
        const d = Math.hypot(px + 0.5 - x, py + 0.5 - y) / BRUSH_RADIUS;
        const i = py * SIZE + px;
        this.pixels[i] = Math.max(this.pixels[i], Math.min(1, 1.6 * (1 - d * d)));
      }
    }
  }

  private render(): void {
    const smallContext = this.small.getContext('2d') as CanvasRenderingContext2D;
    const image = smallContext.createImageData(SIZE, SIZE);
    this.pixels.forEach((v, i) => {
      const level = Math.round(v * 255);
      image.data.set([level, level, level, 255], i * 4);
    });
    smallContext.putImageData(image, 0, 0);
    const context = this.canvas.getContext('2d') as CanvasRenderingContext2D;
    context.imageSmoothingEnabled = false;
    context.drawImage(this.small, 0, 0, this.canvas.width, this.canvas.height);
  }
}
