/** Inline SVG line charts: no chart library, no external request, readable without colour alone. */
export interface Series {
  label: string;
  color: string;
  points: { t: number; v: number }[];
}

const W = 1000;
const H = 190;
const PAD = { l: 36, r: 8, t: 8, b: 22 };

export function LineChart({ series, title, formatTick }: { series: Series[]; title: string; formatTick: (t: number) => string }) {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return null;
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t), t0 + 1);
  const vMax = Math.max(1, ...all.map((p) => p.v));
  const x = (t: number) => PAD.l + ((t - t0) / (t1 - t0)) * (W - PAD.l - PAD.r);
  const y = (v: number) => H - PAD.b - (v / vMax) * (H - PAD.t - PAD.b);
  const ticks = [t0, t0 + (t1 - t0) / 2, t1];
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
      <title>{title}</title>
      <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} stroke="#5c6670" />
      <line x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} stroke="#5c6670" />
      <text x={PAD.l - 4} y={PAD.t + 10} text-anchor="end" font-size="11" fill="#333">
        {vMax}
      </text>
      <text x={PAD.l - 4} y={H - PAD.b} text-anchor="end" font-size="11" fill="#333">
        0
      </text>
      {ticks.map((t, i) => (
        <text key={t} x={x(t)} y={H - 6} text-anchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'} font-size="11" fill="#333">
          {formatTick(t)}
        </text>
      ))}
      {series.map((s) => (
        <polyline key={s.label} fill="none" stroke={s.color} stroke-width="2" points={s.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ')}>
          <title>{s.label}</title>
        </polyline>
      ))}
    </svg>
  );
}

/** Colour-blind-safe palette (Okabe–Ito), dark enough on white for lines. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#7a5c00', '#56B4E9', '#000000', '#E69F00'];
