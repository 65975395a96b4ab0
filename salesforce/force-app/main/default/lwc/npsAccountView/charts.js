// The account card's charts, drawn as SVG paths and CSS widths from the view's figures (a canvas
// library would be unreadable to screen readers and to jest): the monthly trend with its margin
// band, and the touchpoints as bars. Pure functions; the labels come from the view.
import { roundSummary, sampleVerdict } from 'c/npsCore';

// The trend chart's frame, in SVG user units: the plot spans NPS −100 (bottom) to +100 (top).
const CHART = { width: 360, height: 184, left: 40, right: 352, top: 12, bottom: 152 };
const GRID = [100, 50, 0, -50, -100];
const clampNps = (n) => Math.max(-100, Math.min(100, n));
const yOf = (nps) => CHART.top + ((100 - clampNps(nps)) / 200) * (CHART.bottom - CHART.top);
const px = (n) => Math.round(n * 10) / 10;

/**
 * The monthly trend as an SVG chart: a line through the months with answers (broken where a month
 * has none), a dot per month, and the 95% margin as a band around the months whose sample has a
 * spread to measure (a one-answer or one-sided month has no band: its margin would be 0). Every
 * figure is c/npsCore's, rounded as the table shows it; the table stays for screen readers.
 */
export function trendChartOf(months, rows, labels) {
  const step = (CHART.right - CHART.left) / Math.max(months.length, 1);
  const points = months.map((month, i) => {
    const rounded = roundSummary(month);
    const x = px(CHART.left + (i + 0.5) * step);
    const banded = rounded.nps !== null && sampleVerdict(rounded, 1) === 'enough';
    return {
      key: month.key,
      x,
      y: rounded.nps === null ? null : px(yOf(rounded.nps)),
      top: banded ? px(yOf(rounded.nps + rounded.margin)) : null,
      bottom: banded ? px(yOf(rounded.nps - rounded.margin)) : null,
      title: `${rows[i].month}: ${rows[i].nps}${banded ? ` ${rows[i].margin}` : ''} (${rows[i].n} ${labels.answers})`,
    };
  });
  let line = '';
  let previous = null;
  for (const point of points) {
    if (point.y === null) {
      previous = null;
      continue;
    }
    line += `${previous ? 'L' : 'M'}${point.x} ${point.y} `;
    previous = point;
  }
  // One band per run of consecutive months with a margin; a lone month gets a short bar.
  const bands = [];
  let run = [];
  for (const point of [...points, { top: null }]) {
    if (point.top !== null) {
      run.push(point);
      continue;
    }
    if (run.length === 1) {
      const [only] = run;
      bands.push(
        `M${px(only.x - 4)} ${only.top} H${px(only.x + 4)} V${only.bottom} H${px(only.x - 4)} Z`,
      );
    } else if (run.length > 1) {
      const upper = run.map((p, i) => `${i ? 'L' : 'M'}${p.x} ${p.top}`);
      const lower = [...run].reverse().map((p) => `L${p.x} ${p.bottom}`);
      bands.push(`${upper.join(' ')} ${lower.join(' ')} Z`);
    }
    run = [];
  }
  const last = points.length - 1;
  return {
    viewBox: `0 0 ${CHART.width} ${CHART.height}`,
    label: labels.trendChart,
    grid: GRID.map((nps) => ({
      key: `grid${nps}`,
      y: px(yOf(nps)),
      x1: CHART.left,
      x2: CHART.right,
      labelX: CHART.left - 6,
      labelY: px(yOf(nps) + 3),
      text: nps > 0 ? `+${nps}` : String(nps),
      className: nps === 0 ? 'grid grid_zero' : 'grid',
    })),
    line: line.trim(),
    bands: bands.map((d, i) => ({ key: `band${i}`, d })),
    dots: points.filter((p) => p.y !== null).map(({ key, x, y, title }) => ({ key, x, y, title })),
    // Every third month from the latest, so the labels never overlap.
    ticks: points
      .map((p, i) => ({ key: p.key, x: p.x, y: CHART.bottom + 18, text: rows[i].month, i }))
      .filter(({ i }) => (last - i) % 3 === 0)
      .map(({ key, x, y, text }) => ({ key, x, y, text })),
  };
}

/**
 * The touchpoints as bars from zero (the middle of the track) to their NPS, coloured by their
 * target status, with a mark at the target; drawn with CSS widths, the table stays for screen
 * readers.
 */
export function touchpointsChartOf(touchpoints, labels) {
  const percent = (nps) => px(50 + clampNps(nps) / 2);
  return touchpoints.map((tp) => {
    const nps = tp.npsValue;
    const from = nps === null ? 50 : Math.min(50, percent(nps));
    const width = nps === null ? 0 : px(Math.abs(percent(nps) - 50));
    return {
      key: tp.key,
      label: tp.label,
      value: tp.nps,
      barClass: `tp-bar tp-bar_${tp.statusKey}`,
      barStyle: `left: ${from}%; width: ${width}%`,
      hasTarget: tp.targetValue !== null && tp.targetValue !== undefined,
      targetStyle: `left: ${tp.targetValue === null ? 50 : percent(tp.targetValue)}%`,
      // The status in words beside the colour (WCAG 1.4.1), with the target it is against.
      status: tp.status ? `${labels.target} ${tp.target}: ${tp.status}` : '',
      statusClass: tp.statusClass,
    };
  });
}
