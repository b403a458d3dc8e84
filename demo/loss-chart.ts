/** The live training-loss curve (uPlot), redrawn at most once per animation frame. */
import uPlot from 'uplot';
// Its own import of uPlot's stylesheet: the classification page draws no other uPlot chart, and
// without the stylesheet the axes fall below the canvas, out of the panel.
import 'uplot/dist/uPlot.min.css';

export class LossChart {
  private readonly plot: uPlot;
  private epochs: number[] = [];
  private losses: number[] = [];
  private frame = 0;

  constructor(el: HTMLElement, width = 300, height = 160) {
    this.plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false } },
        axes: [{ label: 'epoch', size: 36 }, { size: 52 }],
        series: [{}, { label: 'loss', stroke: '#2f5fd0', width: 1.5, points: { show: false } }],
      },
      [[], []],
      el,
    );
  }

  reset(): void {
    this.epochs = [];
    this.losses = [];
    this.draw();
  }

  push(epoch: number, loss: number): void {
    this.epochs.push(epoch);
    this.losses.push(loss);
    if (this.frame === 0) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.draw();
      });
    }
  }

  /** Draws now (the last frame's data may still be pending). */
  draw(): void {
    this.plot.setData([this.epochs, this.losses]);
  }
}
