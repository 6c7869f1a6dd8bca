import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

/** A changed rectangle, in page pixels. */
export interface ChangedRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Changed pixels inside it. */
  pixels: number;
}

/** The result of comparing two renderings. */
export interface ScreenshotComparison {
  width: number;
  height: number;
  /** Pixels pixelmatch counts as different (anti-aliasing excluded). */
  changedPixels: number;
  /** The baseline and current sizes differ (the smaller is padded with white). */
  sizeChanged: boolean;
  regions: ChangedRegion[];
  /** PNG: the current rendering faded, changed pixels red, anti-aliasing yellow. */
  diffPng: Buffer;
}

/** Options of `compareScreenshots`. */
export interface CompareOptions {
  /**
   * pixelmatch `threshold`: the largest colour distance (YIQ/HyAB, 0..1) still counted as equal.
   * 0.1 (pixelmatch's default) ignores sub-pixel text rendering and JPEG-like noise but catches
   * any real colour change; anti-aliased pixels are never counted (`includeAA: false`).
   */
  threshold?: number;
  /** Grid cell (px) changed pixels are clustered in: regions closer than this merge (default 16). */
  cell?: number;
  /** Regions with fewer changed pixels are noise (default 8). */
  minRegionPixels?: number;
  /**
   * Rectangles (page pixels) painted the same colour in both images before comparing: masked
   * dynamic content (a clock, a random id) never counts as a change.
   */
  masks?: readonly MaskRect[];
}

/** A rectangle to mask, page pixels. */
export interface MaskRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Playwright's default mask colour (#FF00FF), so stored screenshots and compared images agree. */
const MASK_RGBA = [255, 0, 255, 255] as const;

function paintMasks(data: Uint8Array, width: number, height: number, masks: readonly MaskRect[]): void {
  for (const m of masks) {
    const x0 = Math.max(0, Math.floor(m.x));
    const y0 = Math.max(0, Math.floor(m.y));
    const x1 = Math.min(width, Math.ceil(m.x + m.width));
    const y1 = Math.min(height, Math.ceil(m.y + m.height));
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data.set(MASK_RGBA, (y * width + x) * 4);
  }
}

function padded(png: PNG, width: number, height: number): Uint8Array {
  if (png.width === width && png.height === height) return png.data;
  const out = new Uint8Array(width * height * 4).fill(255);
  for (let y = 0; y < png.height; y++) out.set(png.data.subarray(y * png.width * 4, (y + 1) * png.width * 4), y * width * 4);
  return out;
}

/** Connected groups of grid cells holding changed pixels, as tight pixel boxes. */
function regionsOf(mask: Uint8Array, width: number, height: number, cell: number, minPixels: number): ChangedRegion[] {
  const cols = Math.ceil(width / cell);
  const rows = Math.ceil(height / cell);
  const boxes = new Map<number, ChangedRegion & { x2: number; y2: number }>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[(y * width + x) * 4 + 3] === 0 || mask[(y * width + x) * 4 + 1] !== 0) continue; // transparent, or yellow (anti-aliasing)
      const key = Math.floor(y / cell) * cols + Math.floor(x / cell);
      const box = boxes.get(key);
      if (box === undefined) boxes.set(key, { x, y, x2: x, y2: y, width: 0, height: 0, pixels: 1 });
      else {
        box.x = Math.min(box.x, x);
        box.y = Math.min(box.y, y);
        box.x2 = Math.max(box.x2, x);
        box.y2 = Math.max(box.y2, y);
        box.pixels++;
      }
    }
  }
  const seen = new Set<number>();
  const regions: ChangedRegion[] = [];
  for (const start of boxes.keys()) {
    if (seen.has(start)) continue;
    const group = { x: Infinity, y: Infinity, x2: -1, y2: -1, pixels: 0 };
    const stack = [start];
    seen.add(start);
    while (stack.length > 0) {
      const key = stack.pop()!;
      const box = boxes.get(key)!;
      group.x = Math.min(group.x, box.x);
      group.y = Math.min(group.y, box.y);
      group.x2 = Math.max(group.x2, box.x2);
      group.y2 = Math.max(group.y2, box.y2);
      group.pixels += box.pixels;
      const r = Math.floor(key / cols);
      const c = key % cols;
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          const nr = r + dr;
          const nc = c + dc;
          const next = nr * cols + nc;
          if (nr < 0 || nc < 0 || nr >= rows || nc >= cols || seen.has(next) || !boxes.has(next)) continue;
          seen.add(next);
          stack.push(next);
        }
      }
    }
    if (group.pixels >= minPixels) regions.push({ x: group.x, y: group.y, width: group.x2 - group.x + 1, height: group.y2 - group.y + 1, pixels: group.pixels });
  }
  return regions.sort((a, b) => b.pixels - a.pixels);
}

/**
 * Compares a baseline and a current PNG with pixelmatch (anti-aliasing tolerant) and groups the
 * changed pixels into regions (connected cells of a `cell`-pixel grid), largest first; `masks`
 * are painted over in both first.
 */
export function compareScreenshots(baseline: Buffer, current: Buffer, options: CompareOptions = {}): ScreenshotComparison {
  const a = PNG.sync.read(baseline);
  const b = PNG.sync.read(current);
  const width = Math.max(a.width, b.width);
  const height = Math.max(a.height, b.height);
  // Copies: the decoded PNGs are not ours to paint on when masks apply.
  const masks = options.masks ?? [];
  const img1 = masks.length === 0 ? padded(a, width, height) : Uint8Array.from(padded(a, width, height));
  const img2 = masks.length === 0 ? padded(b, width, height) : Uint8Array.from(padded(b, width, height));
  paintMasks(img1, width, height, masks);
  paintMasks(img2, width, height, masks);
  const threshold = options.threshold ?? 0.1;
  const mask = new Uint8Array(width * height * 4);
  const changedPixels = pixelmatch(img1, img2, mask, width, height, { threshold, includeAA: false, diffMask: true, diffColor: [255, 0, 0], aaColor: [255, 255, 0] });
  const diff = new PNG({ width, height });
  pixelmatch(img1, img2, diff.data, width, height, { threshold, includeAA: false, alpha: 0.2 });
  return {
    width,
    height,
    changedPixels,
    sizeChanged: a.width !== b.width || a.height !== b.height,
    regions: changedPixels === 0 ? [] : regionsOf(mask, width, height, options.cell ?? 16, options.minRegionPixels ?? 8),
    diffPng: PNG.sync.write(diff),
  };
}
