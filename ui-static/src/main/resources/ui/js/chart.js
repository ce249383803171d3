// A small SVG line chart: a few series of (x, y) points on shared linear axes, with a legend.
// Built with DOM calls only; names and labels go in as text.

const SVG = 'http://www.w3.org/2000/svg';
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777'];
const WIDTH = 560;
const HEIGHT = 240;
const PAD = { left: 56, right: 16, top: 14, bottom: 38 };

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
}

/** Up to `count` round tick values covering [min, max]. */
export function ticks(min, max, count = 5) {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count - 1);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map(m => m * magnitude).find(s => s >= raw) ?? raw;
  const values = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) values.push(Number(v.toPrecision(12)));
  return values;
}

function label(value) {
  if (value === 0) return '0';
  const size = Math.abs(value);
  if (size >= 10000 || size < 0.001) return value.toExponential(1);
  return String(Number(value.toPrecision(3)));
}

/**
 * A line chart: `series` is [{ name, points: [{ x, y }] }] (x whole numbers unless `integerX` is false); answers a <figure> with the SVG (role img,
 * described by `title` and a summary of each series) and a legend. `formatX(x)` writes the x values (the ticks, the summary);
 * `yFrom` is where the y axis starts at the latest (0 for counts), and `integerY` keeps its ticks whole.
 */
export function lineChart({ id, title, xLabel, yLabel, series, integerX = true, formatX = label, yFrom, integerY = false }) {
  const drawn = series.filter(s => s.points.length > 0);
  const xs = drawn.flatMap(s => s.points.map(p => p.x));
  const ys = drawn.flatMap(s => s.points.map(p => p.y));
  let [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  let [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
  if (xMin === xMax) { xMin -= 1; xMax += 1; }
  // A little room above and below the lines.
  const yPad = (yMax - yMin) * 0.05;
  if (yPad > 0) { yMin -= yPad; yMax += yPad; }
  if (yMin === yMax) { const d = Math.abs(yMin) * 0.1 || 1; yMin -= d; yMax += d; }
  if (yFrom !== undefined && yMin < yFrom && Math.min(...ys) >= yFrom) yMin = yFrom;
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const sx = x => PAD.left + ((x - xMin) / (xMax - xMin)) * innerW;
  const sy = y => PAD.top + innerH - ((y - yMin) / (yMax - yMin)) * innerH;

  const summary = drawn.map(s => {
    const last = s.points[s.points.length - 1];
    return `${s.name}: ${s.points.length} points, last ${label(last.y)} at ${xLabel} ${formatX(last.x)}`;
  }).join('; ');
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': `${title}. ${summary}` },
    svg('title', {}, title));
  for (const t of ticks(yMin, yMax).filter(t => !integerY || Number.isInteger(t))) {
    chart.append(svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: sy(t), y2: sy(t), class: 'chart-grid' }),
      svg('text', { x: PAD.left - 6, y: sy(t) + 4, 'text-anchor': 'end', class: 'chart-tick' }, label(t)));
  }
  // Steps and epochs are whole numbers: no tick between them.
  for (const t of ticks(xMin, xMax, 6).filter(t => !integerX || Number.isInteger(t))) {
    chart.append(svg('text', { x: sx(t), y: HEIGHT - PAD.bottom + 16, 'text-anchor': 'middle', class: 'chart-tick' }, formatX(t)));
  }
  chart.append(
    svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: PAD.top + innerH, y2: PAD.top + innerH, class: 'chart-axis' }),
    svg('line', { x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: PAD.top + innerH, class: 'chart-axis' }),
    svg('text', { x: PAD.left + innerW / 2, y: HEIGHT - 4, 'text-anchor': 'middle', class: 'chart-label' }, xLabel),
    svg('text', { x: 12, y: PAD.top + innerH / 2, 'text-anchor': 'middle', class: 'chart-label',
      transform: `rotate(-90 12 ${PAD.top + innerH / 2})` }, yLabel));
  drawn.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const points = [...s.points].sort((a, b) => a.x - b.x);
    chart.append(svg('polyline', { points: points.map(p => `${sx(p.x)},${sy(p.y)}`).join(' '), fill: 'none',
      stroke: color, 'stroke-width': 2, class: 'chart-line', 'data-series': s.name }));
    if (points.length <= 40) {
      for (const p of points) chart.append(svg('circle', { cx: sx(p.x), cy: sy(p.y), r: 3, fill: color }));
    }
  });

  const figure = document.createElement('figure');
  figure.className = 'chart-figure';
  if (id) figure.id = id;
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  const legend = document.createElement('ul');
  legend.className = 'chart-legend';
  drawn.forEach((s, i) => {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'chart-swatch';
    swatch.style.background = COLORS[i % COLORS.length];
    item.append(swatch, document.createTextNode(s.name));
    legend.append(item);
  });
  figure.append(caption, chart, legend);
  return figure;
}
