// The road history chart: average speed per bucket as an SVG line, drawn with DOM calls.

import { svg } from './dom.js';
import { hourMinute, number, t } from './i18n.js';

const WIDTH = 320;
const HEIGHT = 160;
const PAD = { left: 36, right: 8, top: 10, bottom: 22 };

/** `items`: [{bucket, speed_kmh, ...}] oldest first. */
export function historyChart(items) {
  const points = items
    .map((item) => ({ at: new Date(item.bucket).getTime(), speed: item.speed_kmh }))
    .filter((p) => Number.isFinite(p.at) && typeof p.speed === 'number')
    .sort((a, b) => a.at - b.at);
  const first = points[0];
  const last = points[points.length - 1];
  const maxSpeed = Math.max(10, ...points.map((p) => p.speed));
  const span = Math.max(1, last.at - first.at);
  const x = (at) => PAD.left + ((at - first.at) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (speed) => HEIGHT - PAD.bottom - (speed / maxSpeed) * (HEIGHT - PAD.top - PAD.bottom);
  const speeds = points.map((p) => p.speed);
  const summary = t('detail.chartSummary', {
    count: points.length,
    min: number(Math.min(...speeds)),
    max: number(Math.max(...speeds)),
  });

  const line = points.length === 1
    ? svg('circle', { cx: x(first.at), cy: y(first.speed), r: 3, class: 'chart-line' })
    : svg('polyline', { points: points.map((p) => `${x(p.at).toFixed(1)},${y(p.speed).toFixed(1)}`).join(' '), class: 'chart-line' });

  return svg(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': summary },
    svg('title', {}, summary),
    svg('line', { x1: PAD.left, y1: HEIGHT - PAD.bottom, x2: WIDTH - PAD.right, y2: HEIGHT - PAD.bottom, class: 'chart-axis' }),
    svg('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: HEIGHT - PAD.bottom, class: 'chart-axis' }),
    svg('text', { x: PAD.left - 4, y: PAD.top + 4, class: 'chart-label', 'text-anchor': 'end' }, number(maxSpeed, 0)),
    svg('text', { x: PAD.left - 4, y: HEIGHT - PAD.bottom, class: 'chart-label', 'text-anchor': 'end' }, '0'),
    svg('text', { x: PAD.left, y: HEIGHT - 6, class: 'chart-label' }, hourMinute(new Date(first.at))),
    svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 6, class: 'chart-label', 'text-anchor': 'end' }, hourMinute(new Date(last.at))),
    line,
  );
}
