/**
 * One map of the classification page: a square canvas showing a G × G image over the view (one
 * cell per grid cell, unsmoothed), the labelled points on top in their class colours, and the
 * cursor's position mirrored from whichever map it is over. Clicks and pointer moves are reported
 * in data coordinates, a click with the index of the point under it (or -1).
 */
import type { LabelledPoints, View } from './class-data.js';
import { pointNear, PRESET_VIEW } from './class-data.js';
import { classColour, cssColour } from './colour-maps.js';

export interface MapPointer {
  readonly x: number;
  readonly y: number;
}

export interface MapCanvasHandlers {
  readonly onClick: (at: MapPointer, pointIndex: number) => void;
  readonly onHover: (at: MapPointer | null) => void;
}

/** Point radius and the click distance that hits a point, in canvas pixels. */
const POINT_RADIUS = 3.5;
const HIT_RADIUS = 6;
const EMPTY_FILL = '#eef0f5';

export class MapCanvas {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly cells: HTMLCanvasElement;
  private view: View = PRESET_VIEW;
  private hasImage = false;
  private points: LabelledPoints = { x: [], label: [] };
  private cursor: MapPointer | null = null;

  constructor(container: HTMLElement, sizePx: number, handlers: MapCanvasHandlers) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = sizePx;
    this.canvas.height = sizePx;
    container.append(this.canvas);
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('demo: no 2-D canvas context');
    this.ctx = ctx;
    this.cells = document.createElement('canvas');
    this.canvas.addEventListener('click', (event) => {
      const at = this.eventPoint(event);
      handlers.onClick(at, pointNear(this.points, at.x, at.y, (HIT_RADIUS * (this.view.xMax - this.view.xMin)) / this.canvas.width));
    });
    this.canvas.addEventListener('mousemove', (event) => handlers.onHover(this.eventPoint(event)));
    this.canvas.addEventListener('mouseleave', () => handlers.onHover(null));
    this.draw();
  }

  setView(view: View): void {
    this.view = view;
    this.draw();
  }

  /** The G × G RGBA image (cell order: row 0 at the top), or null for none. */
  setImage(rgba: Uint8ClampedArray | null, size: number): void {
    this.hasImage = rgba !== null;
    if (rgba) {
      this.cells.width = size;
      this.cells.height = size;
      const cellsCtx = this.cells.getContext('2d');
      if (!cellsCtx) throw new Error('demo: no 2-D canvas context');
      const image = cellsCtx.createImageData(size, size);
      image.data.set(rgba);
      cellsCtx.putImageData(image, 0, 0);
    }
    this.draw();
  }

  setPoints(points: LabelledPoints): void {
    this.points = points;
    this.draw();
  }

  setCursor(at: MapPointer | null): void {
    this.cursor = at;
    this.draw();
  }

  /** Canvas pixel of a data point. */
  toCanvas(x: number, y: number): [number, number] {
    const { view } = this;
    return [((x - view.xMin) / (view.xMax - view.xMin)) * this.canvas.width, ((view.yMax - y) / (view.yMax - view.yMin)) * this.canvas.height];
  }

  /** RGBA of the canvas at a data point (null outside). */
  pixelAt(x: number, y: number): [number, number, number, number] | null {
    const [px, py] = this.toCanvas(x, y).map(Math.floor) as [number, number];
    if (px < 0 || py < 0 || px >= this.canvas.width || py >= this.canvas.height) return null;
    const d = this.ctx.getImageData(px, py, 1, 1).data;
    return [d[0] ?? 0, d[1] ?? 0, d[2] ?? 0, d[3] ?? 0];
  }

  private eventPoint(event: MouseEvent): MapPointer {
    const rect = this.canvas.getBoundingClientRect();
    const { view } = this;
    return {
      x: view.xMin + ((event.clientX - rect.left) / rect.width) * (view.xMax - view.xMin),
      y: view.yMax - ((event.clientY - rect.top) / rect.height) * (view.yMax - view.yMin),
    };
  }

  private draw(): void {
    const { ctx, canvas } = this;
    if (this.hasImage) {
      ctx.imageSmoothingEnabled = false; // one flat square per grid cell: what was predicted, not an interpolation
      ctx.drawImage(this.cells, 0, 0, canvas.width, canvas.height);
    } else {
      ctx.fillStyle = EMPTY_FILL;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
    }
    this.points.x.forEach(([x, y], i) => {
      const [px, py] = this.toCanvas(x, y);
      ctx.beginPath();
      ctx.arc(px, py, POINT_RADIUS, 0, 2 * Math.PI);
      ctx.fillStyle = cssColour(classColour(this.points.label[i] ?? 0));
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = '#1d2330';
      ctx.stroke();
    });
    if (this.cursor) {
      const [px, py] = this.toCanvas(this.cursor.x, this.cursor.y);
      ctx.beginPath();
      ctx.arc(px, py, 7, 0, 2 * Math.PI);
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
      ctx.lineWidth = 1;
      ctx.strokeStyle = '#1d2330';
      ctx.stroke();
    }
  }
}
