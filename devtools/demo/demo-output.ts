/** The demo's step-by-step output: numbered steps, indented details. */

export class DemoOutput {
  private step = 0;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly write: (text: string) => void = (t) => process.stdout.write(t),
  ) {}

  begin(title: string): void {
    this.write(`\n[${++this.step}/${this.total}] ${title}\n`);
  }

  detail(text: string): void {
    for (const line of text.replace(/\s+$/, "").split("\n")) this.write(`      ${line}\n`);
  }

  done(summary: string): void {
    this.write(`\n${summary} (${((Date.now() - this.started) / 1000).toFixed(1)} s)\n`);
  }
}
