/**
 * The report as one server-rendered HTML page: tables, verdicts and inline SVG charts,
 * no script. Every value that comes from data or config goes through `escape` (placement,
 * variant and team names, days): all are treated as hostile.
 */
import type { Comparison, Estimate, InterleavingReport, PlacementReport, ReportData, VariantReport, Verdict } from './model.js';

export function escape(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const PALETTE = ['#1f6feb', '#d4541b', '#2f9e44', '#9c36b5', '#e8590c', '#0c8599', '#5c7cfa', '#c2255c'];

const integer = (n: number) => n.toLocaleString('en-US');
const pct = (x: number | null, digits = 2) => (x === null ? '–' : `${(x * 100).toFixed(digits)}%`);
const fixed = (x: number | null, digits = 2) => (x === null ? '–' : x.toFixed(digits));
const signed = (x: number | null, format: (v: number) => string) => (x === null ? '∞' : `${x >= 0 ? '+' : '−'}${format(Math.abs(x))}`);

/** A figure, its unit (already escaped), then its 95% interval, small, on the next line when narrow. */
function withInterval(e: Estimate, format: (x: number | null) => string, unit = ''): string {
  if (e.value === null) return '<span class="muted">no impressions</span>';
  return `${format(e.value)}${unit} <span class="ci">${format(e.low)}–${e.high === null ? '∞' : format(e.high)}</span>`;
}

export function renderReport(data: ReportData): string {
  const placements = data.placements.map(renderPlacement).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Recommendations report ${escape(data.from)} to ${escape(data.to)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Recommendations report</h1>
<form method="get" action="">
<label>From <input type="date" name="from" value="${escape(data.from)}" required></label>
<label>To <input type="date" name="to" value="${escape(data.to)}" required></label>
<label>Placement <input type="text" name="placement" value="${escape(data.placement ?? '')}" placeholder="all" pattern="[A-Za-z0-9_\\-]{1,64}" size="12"></label>
<button type="submit">Show</button>
</form>
<p class="muted">${escape(data.from)} to ${escape(data.to)} (UTC, both days included)${data.placement ? `, placement ${escape(data.placement)}` : ''}.
Figures carry a plain 95% interval (small grey numbers). Verdicts use an ${escape(data.method)}: look as often as you like; a winner is named only once the always-valid interval for the difference excludes zero, and until then the verdict says “not yet”.</p>
</header>
<main>
${placements || '<p>No events in this range.</p>'}
</main>
</body>
</html>
`;
}

function renderPlacement(p: PlacementReport): string {
  const kind = p.kind === 'interleave' ? 'interleaving' : p.kind === 'split' ? 'A/B split' : 'single variant';
  return `<section>
<h2>${escape(p.placement)} <small>${kind}</small></h2>
${p.verdict ? renderVerdict('Split verdict (CTR)', p.verdict) : ''}
${p.interleaving ? renderInterleaving(p.interleaving) : ''}
${renderVariants(p.variants, p.kind === 'interleave')}
${renderCountingNotes(p.variants)}
${p.comparisons.length ? renderComparisons(p.comparisons) : ''}
${renderChart(p)}
</section>`;
}

function renderVerdict(title: string, verdict: Verdict): string {
  const cls = verdict.status === 'winner' ? 'verdict win' : 'verdict';
  return `<div class="${cls}"><strong>${escape(title)}:</strong> ${escape(verdict.text)}</div>`;
}

function renderVariants(variants: VariantReport[], interleave: boolean): string {
  const rows = variants
    .map((v) => {
      const revenue = v.revenue.length
        ? v.revenue.map((r) => withInterval(r.per1000, (x) => fixed(x), ` ${escape(r.currency || '(no currency)')}`)).join('<br>')
        : '<span class="muted">–</span>';
      const note = interleave && v.variant !== 'interleave' ? ' <small class="muted">(served alone)</small>' : '';
      return `<tr><th scope="row">${escape(v.variant)}${note}</th><td>${integer(v.requests)}</td><td>${integer(v.impressions)}</td><td>${integer(v.clicks)}</td>
<td>${withInterval(v.ctr, (x) => pct(x))}</td><td>${withInterval(v.addToCartRate, (x) => pct(x))}</td>
<td>${withInterval(v.ordersPer1000, (x) => fixed(x))}</td><td>${revenue}</td></tr>`;
    })
    .join('\n');
  return `<div class="scroll"><table>
<caption>Per variant, with 95% intervals</caption>
<thead><tr><th scope="col">Variant</th><th scope="col">Requests</th><th scope="col">Impressions</th><th scope="col">Clicks</th><th scope="col">CTR</th><th scope="col">Add-to-cart rate</th><th scope="col">Orders / 1,000 impr.</th><th scope="col">Revenue / 1,000 impr.</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

/** What the table counts differently from the raw events (the export), said beside it. */
function renderCountingNotes(variants: VariantReport[]): string {
  const notes: string[] = [];
  const implied = variants.reduce((sum, v) => sum + v.impliedImpressions, 0);
  if (implied > 0) notes.push(`${integer(implied)} of the impressions are cards clicked or added to cart before their impression (within their first visible second): counted as seen.`);
  const unattributed = variants.reduce((sum, v) => sum + v.unattributedOrders, 0);
  if (unattributed > 0) {
    notes.push(`${integer(unattributed)} order ${unattributed === 1 ? 'line quotes' : 'lines quote'} no click or add-to-cart of ${unattributed === 1 ? 'its' : 'their'} product under ${unattributed === 1 ? 'its' : 'their'} request id: kept in the export, left out of orders and revenue.`);
  }
  const caps = new Map<string, { cap: number; lines: number }>();
  for (const v of variants) for (const r of v.revenue) caps.set(r.currency, { cap: r.cap, lines: (caps.get(r.currency)?.lines ?? 0) + r.linesCapped });
  for (const [currency, { cap, lines }] of [...caps].sort(([a], [b]) => (a < b ? -1 : 1))) {
    notes.push(`Revenue${currency ? ` in ${escape(currency)}` : ' without a currency'} counts each order line up to ${escape(fixed(cap))}${lines ? ` (${integer(lines)} ${lines === 1 ? 'line' : 'lines'} above it)` : ''}: the 99th percentile of the lines, at most the second-largest client's largest.`);
  }
  return notes.length ? `<p class="muted">${notes.join(' ')}</p>` : '';
}

const METRIC_NAMES: Record<string, string> = { ctr: 'CTR (points)', addToCartRate: 'Add-to-cart rate (points)', ordersPer1000: 'Orders / 1,000' };

function renderComparisons(comparisons: Comparison[]): string {
  const rows = comparisons
    .map((c) => {
      const isRate = c.metric === 'ctr' || c.metric === 'addToCartRate';
      const name = c.metric.startsWith('revenuePer1000:') ? `Revenue / 1,000 (${c.metric.slice('revenuePer1000:'.length)})` : METRIC_NAMES[c.metric]!;
      const format = (x: number) => (isRate ? (x * 100).toFixed(2) : x.toFixed(2));
      return `<tr><td>${escape(name)}</td><td>${escape(c.b)} − ${escape(c.a)}</td><td>${signed(c.difference, format)}</td><td>${signed(c.low, format)} to ${signed(c.high, format)}</td><td>${c.decided ? 'yes' : 'not yet'}</td></tr>`;
    })
    .join('\n');
  return `<details><summary>All comparisons (always-valid 95% intervals; only CTR decides the verdict)</summary><div class="scroll"><table>
<thead><tr><th scope="col">Metric</th><th scope="col">Difference</th><th scope="col">Estimate</th><th scope="col">Always-valid interval</th><th scope="col">Beyond doubt</th></tr></thead>
<tbody>
${rows}
</tbody></table></div></details>`;
}

function renderInterleaving(i: InterleavingReport): string {
  const [a, b] = i.teams;
  const preference = i.preference === null ? '–' : `${signed(i.preference, (x) => (x * 100).toFixed(1))} points <span class="ci">${signed(i.low, (x) => (x * 100).toFixed(1))} to ${signed(i.high, (x) => (x * 100).toFixed(1))}</span>`;
  return `${renderVerdict('Interleaving verdict', i.verdict)}
<dl class="interleave">
<div><dt>Interleaved page views</dt><dd>${integer(i.pageViews)}</dd></div>
<div><dt>${escape(a)} wins</dt><dd>${integer(i.wins)}</dd></div>
<div><dt>${escape(b)} wins</dt><dd>${integer(i.losses)}</dd></div>
<div><dt>Ties</dt><dd>${integer(i.ties)}</dd></div>
<div><dt>Preference for ${escape(a)}</dt><dd>${preference}</dd></div>
</dl>`;
}

/** CTR per day, one line per variant, as inline SVG (no script, no external asset). */
function renderChart(p: PlacementReport): string {
  // An interleave's sides served alone are a handful of page views: their daily CTR would be noise.
  const series = p.daily.filter((s) => s.points.some((point) => point.ctr !== null) && (p.kind !== 'interleave' || s.variant === 'interleave'));
  if (series.length === 0) return '';
  const days = [...new Set(series.flatMap((s) => s.points.map((point) => point.day)))].sort();
  const max = Math.max(...series.flatMap((s) => s.points.map((point) => point.ctr ?? 0)), 0.001);
  const top = niceCeiling(max);
  const width = 640;
  const height = 220;
  const left = 48;
  const right = 12;
  const bottom = 28;
  const topPad = 12;
  const x = (day: string) => left + (days.length === 1 ? (width - left - right) / 2 : (days.indexOf(day) / (days.length - 1)) * (width - left - right));
  const y = (ctr: number) => topPad + (1 - ctr / top) * (height - topPad - bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<line x1="${left}" x2="${width - right}" y1="${y(top * f).toFixed(1)}" y2="${y(top * f).toFixed(1)}" class="grid"/><text x="${left - 6}" y="${(y(top * f) + 4).toFixed(1)}" text-anchor="end">${Number((top * f * 100).toFixed(2))}%</text>`)
    .join('');
  const labelEvery = Math.max(1, Math.ceil(days.length / 7));
  const xLabels = days
    .map((day, index) => (index % labelEvery === 0 ? `<text x="${x(day).toFixed(1)}" y="${height - 8}" text-anchor="middle">${escape(day.slice(5))}</text>` : ''))
    .join('');
  const lines = series
    .map((s, index) => {
      const color = PALETTE[index % PALETTE.length]!;
      const points = s.points.filter((point) => point.ctr !== null);
      const path = points.map((point) => `${x(point.day).toFixed(1)},${y(point.ctr!).toFixed(1)}`).join(' ');
      const dots = points
        .map((point) => `<circle cx="${x(point.day).toFixed(1)}" cy="${y(point.ctr!).toFixed(1)}" r="2.5" fill="${color}"><title>${escape(s.variant)} ${escape(point.day)}: ${pct(point.ctr)} (${integer(point.clicks)} / ${integer(point.impressions)})</title></circle>`)
        .join('');
      return `<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>${dots}`;
    })
    .join('');
  const legend = series
    .map((s, index) => `<span><i style="background:${PALETTE[index % PALETTE.length]}"></i>${escape(s.variant)}</span>`)
    .join(' ');
  // A split's chart counts what its verdict compares: say so when earlier configurations were left out.
  const scope = p.kind === 'split' && p.earlierConfigEvents > 0 ? ', current configuration only' : '';
  const label = `CTR per day${scope} for ${series.map((s) => s.variant).join(', ')}`;
  return `<figure>
<figcaption>CTR per day (UTC${scope}) <span class="legend">${legend}</span></figcaption>
<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(label)}" xmlns="http://www.w3.org/2000/svg"><title>${escape(label)}</title>${grid}${xLabels}${lines}</svg>
</figure>`;
}

function niceCeiling(value: number): number {
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1d2127;--muted:#5f6b7a;--line:#d8dee6;--bg:#fff;--card:#f6f8fa;--win:#e6f4ea;--winline:#2f9e44}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ee;--muted:#9aa5b1;--line:#39414c;--bg:#14171b;--card:#1c2026;--win:#16301e;--winline:#40c057}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1040px;padding:1.5rem 1rem 3rem;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.5rem;margin:0 0 .75rem}
h2{font-size:1.2rem;margin:0 0 .75rem}
h2 small{font-weight:400;color:var(--muted);font-size:.85rem;margin-left:.5rem}
form{display:flex;flex-wrap:wrap;gap:.75rem;align-items:end;margin-bottom:.5rem}
label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted)}
input,button{font:inherit;padding:.3rem .5rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
button{cursor:pointer;background:var(--card)}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem 1.25rem;margin:1.25rem 0}
.muted,.ci{color:var(--muted)}
.ci{font-size:.8em;white-space:nowrap}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.75rem 0;font-variant-numeric:tabular-nums}
caption{text-align:left;color:var(--muted);font-size:.85rem}
th,td{padding:.35rem .6rem;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}
thead th{font-size:.8rem;color:var(--muted);font-weight:600}
.verdict{border-left:4px solid var(--line);padding:.5rem .75rem;margin:.5rem 0;background:var(--bg);border-radius:4px}
.verdict.win{border-color:var(--winline);background:var(--win)}
dl.interleave{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;margin:.5rem 0}
dl.interleave dt{font-size:.8rem;color:var(--muted)}
dl.interleave dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
details{margin:.5rem 0}
summary{cursor:pointer;color:var(--muted);font-size:.9rem}
figure{margin:.75rem 0 0}
figcaption{font-size:.85rem;color:var(--muted);display:flex;flex-wrap:wrap;gap:1rem}
.legend span{margin-right:.75rem;white-space:nowrap}
.legend i{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:-1px}
svg{width:100%;height:auto;max-height:260px}
svg text{font-size:11px;fill:var(--muted)}
svg .grid{stroke:var(--line);stroke-width:1}
`;
