// SPDX-License-Identifier: Apache-2.0
// Inline SVG charts for the training report: no scripts, no external assets, so a report is
// one file that any browser renders the same way offline.

export interface Series {
  name: string;
  points: { x: number; y: number }[];
  color: string;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Fixed axis ranges; derived from the data when absent. */
  xRange?: [number, number];
  yRange?: [number, number];
  /** Ticks on whole numbers only (counts such as epochs), at most about six of them. */
  integerX?: boolean;
  /** Draw points instead of lines (scatter plots). */
  scatter?: boolean;
  /** A dashed reference line, e.g. the diagonal of a ROC plot. */
  reference?: { from: [number, number]; to: [number, number] };
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const MARGIN = { left: 56, right: 16, top: 28, bottom: 44 };

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

type Attrs = Record<string, string | number>;

/** One SVG element; attribute values are escaped, `body` is inserted as given. */
export function el(tag: string, attrs: Attrs, body = ''): string {
  const list = Object.entries(attrs)
    .map(([k, v]) => `${k}="${escapeHtml(typeof v === 'number' ? fmt(v) : v)}"`)
    .join(' ');
  return body === '' ? `<${tag} ${list}/>` : `<${tag} ${list}>${body}</${tag}>`;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function svgOpen(width: number, height: number, title: string): string {
  const attrs = { xmlns: 'http://www.w3.org/2000/svg', width, height, role: 'img' };
  const open = el('svg', { ...attrs, viewBox: `0 0 ${width} ${height}`, 'aria-label': title }, '|');
  return open.slice(0, open.indexOf('|'));
}

function text(x: number, y: number, body: string, size: number, extra: Attrs = {}): string {
  return el('text', { x, y, 'font-size': size, ...extra }, escapeHtml(body));
}

/** A short decimal label for an axis tick. */
function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
}

function extent(values: number[], fallback: [number, number]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return fallback;
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  return [lo, hi];
}

/** Five ticks dividing [lo, hi] in four. */
function evenTicks(lo: number, hi: number): number[] {
  return [0, 1, 2, 3, 4].map((i) => lo + ((hi - lo) * i) / 4);
}

/** Whole numbers in [lo, hi], every `step`-th so that there are at most about six. */
export function integerTicks(lo: number, hi: number): number[] {
  const step = Math.max(1, Math.ceil((hi - lo) / 6));
  const ticks: number[] = [];
  for (let v = Math.ceil(lo); v <= hi; v += step) ticks.push(v);
  return ticks;
}

/** A line or scatter chart of one or more series, as an SVG element string. */
export function lineChart(series: Series[], opts: ChartOptions): string {
  const width = opts.width ?? 480;
  const height = opts.height ?? 300;
  const all = series.flatMap((s) => s.points);
  const [x0, x1] =
    opts.xRange ??
    extent(
      all.map((p) => p.x),
      [0, 1],
    );
  const [y0, y1] =
    opts.yRange ??
    extent(
      all.map((p) => p.y),
      [0, 1],
    );
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - ((y - y0) / (y1 - y0)) * plotH;

  const parts: string[] = [svgOpen(width, height, opts.title)];
  parts.push(el('rect', { width, height, fill: '#fff' }));
  parts.push(text(width / 2, 18, opts.title, 13, { 'text-anchor': 'middle', 'font-weight': 600 }));

  // Grid, ticks and axis labels.
  const bottom = MARGIN.top + plotH;
  const right = MARGIN.left + plotW;
  for (const xv of opts.integerX ? integerTicks(x0, x1) : evenTicks(x0, x1)) {
    parts.push(
      el('line', { x1: sx(xv), y1: MARGIN.top, x2: sx(xv), y2: bottom, stroke: '#eee' }),
      text(sx(xv), bottom + 14, tickLabel(xv), 10, { 'text-anchor': 'middle' }),
    );
  }
  for (const yv of evenTicks(y0, y1)) {
    parts.push(
      el('line', { x1: MARGIN.left, y1: sy(yv), x2: right, y2: sy(yv), stroke: '#eee' }),
      text(MARGIN.left - 4, sy(yv) + 3, tickLabel(yv), 10, { 'text-anchor': 'end' }),
    );
  }
  const frame = { x: MARGIN.left, y: MARGIN.top, width: plotW, height: plotH };
  const midY = MARGIN.top + plotH / 2;
  parts.push(
    el('rect', { ...frame, fill: 'none', stroke: '#888' }),
    text(MARGIN.left + plotW / 2, height - 6, opts.xLabel, 11, { 'text-anchor': 'middle' }),
    text(12, midY, opts.yLabel, 11, {
      'text-anchor': 'middle',
      transform: `rotate(-90 12 ${midY})`,
    }),
  );

  if (opts.reference) {
    const { from, to } = opts.reference;
    const line = { x1: sx(from[0]), y1: sy(from[1]), x2: sx(to[0]), y2: sy(to[1]) };
    parts.push(el('line', { ...line, stroke: '#999', 'stroke-dasharray': '4 3' }));
  }

  for (const s of series) {
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (opts.scatter) {
      for (const p of pts) {
        const dot = { cx: sx(p.x), cy: sy(p.y), r: 2, fill: s.color, 'fill-opacity': 0.5 };
        parts.push(el('circle', dot));
      }
    } else if (pts.length > 0) {
      const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${fmt(sx(p.x))},${fmt(sy(p.y))}`);
      parts.push(el('path', { d: d.join(''), fill: 'none', stroke: s.color, 'stroke-width': 2 }));
    }
  }

  series.forEach((s, i) => {
    const y = MARGIN.top + 12 + i * 14;
    parts.push(
      el('rect', { x: MARGIN.left + 8, y: y - 8, width: 10, height: 10, fill: s.color }),
      text(MARGIN.left + 22, y, s.name, 10),
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** A vertical bar chart of labelled counts, as an SVG element string. */
export function barChart(bars: { label: string; value: number }[], title: string): string {
  const width = 480;
  const height = 300;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const max = 1.1 * Math.max(1, ...bars.map((b) => b.value));
  const slot = plotW / Math.max(1, bars.length);
  const bottom = MARGIN.top + plotH;
  const parts = [
    svgOpen(width, height, title),
    el('rect', { width, height, fill: '#fff' }),
    text(width / 2, 18, title, 13, { 'text-anchor': 'middle', 'font-weight': 600 }),
    el('line', {
      x1: MARGIN.left,
      y1: bottom,
      x2: MARGIN.left + plotW,
      y2: bottom,
      stroke: '#888',
    }),
  ];
  bars.forEach((b, i) => {
    const h = (b.value / max) * plotH;
    const x = MARGIN.left + i * slot + slot * 0.1;
    const centre = x + slot * 0.4;
    parts.push(
      el('rect', { x, y: bottom - h, width: slot * 0.8, height: h, fill: PALETTE[0]! }),
      text(centre, bottom - h - 3, String(b.value), 9, { 'text-anchor': 'middle' }),
    );
    if (bars.length <= 24) {
      parts.push(text(centre, bottom + 14, b.label, 9, { 'text-anchor': 'middle' }));
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}
