// A progress bar on stderr: `label [#######-------] 312/938  loss 0.5123  10.4 steps/s  ETA 1:00`.
// On a terminal it redraws one line in place (at most ten times a second); into a file or pipe it
// writes a line at each tenth of the way, so logs stay readable.

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` : `${m}:${String(s % 60).padStart(2, '0')}`;
}

export class ProgressBar {
  private readonly start = performance.now();
  private lastDraw = -Infinity;
  private lastTenth = -1;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {
    this.tty = stream.isTTY === true;
  }

  /** Seconds since the bar was created. */
  get elapsed(): number {
    return (performance.now() - this.start) / 1000;
  }

  /** Shows `done` of `total` steps, with extra fields such as the loss. */
  update(done: number, fields: Record<string, string> = {}): void {
    const now = performance.now();
    const tenth = Math.floor((10 * done) / this.total);
    // The last line is finish's to draw.
    if (done >= this.total || (this.tty ? now - this.lastDraw < 100 : tenth === this.lastTenth)) return;
    this.lastDraw = now;
    this.lastTenth = tenth;
    this.draw(done, fields);
  }

  /** Draws the final state and ends the line. */
  finish(fields: Record<string, string> = {}): void {
    this.draw(this.total, fields);
    if (this.tty) this.stream.write('\n');
  }

  private draw(done: number, fields: Record<string, string>): void {
    const line = this.render(done, fields);
    // A line wider than the terminal would wrap, and \r would no longer return to its start.
    this.stream.write(this.tty ? `\r${line.slice(0, Math.max(this.stream.columns - 1, 20))}\x1b[K` : `${line}\n`);
  }

  private render(done: number, fields: Record<string, string>): string {
    const filled = Math.round((this.width * done) / this.total);
    const rate = done / Math.max(this.elapsed, 1e-9);
    const eta = done < this.total && rate > 0 ? `  ETA ${clock((this.total - done) / rate)}` : `  ${clock(this.elapsed)}`;
    const extra = Object.entries(fields).map(([k, v]) => `  ${k} ${v}`).join('');
    const count = `${String(done).padStart(String(this.total).length)}/${this.total}`;
    return `${this.label} [${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}] ${count}${extra}  ${rate.toFixed(1)} steps/s${eta}`;
  }
}
