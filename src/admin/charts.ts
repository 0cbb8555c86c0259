// Small inline SVG bar charts, rendered on the server: no script. Each has a value scale, dates
// under the bars, the figure of each bar in its title, and a sentence (plus, on request, a table of
// the figures) for those who do not see it.
import { escapeHtml } from "#src/admin/format.js";
import { plural, pluralOf } from "#src/plural.js";

export interface ChartPoint {
  /** The UTC day, "2026-11-19". */
  label: string;
  value: number;
  /** A part of value drawn darker inside the bar (the 304s of a day's requests). */
  part?: number;
}

export interface ChartOptions {
  /** Accessible name of the chart. */
  title: string;
  /** What is counted, singular ("request"): "3 requests". */
  unit: string;
  /** What the darker part of a bar is ("not modified (304)"). */
  partLabel?: string;
  width?: number;
  height?: number;
  /** Adds a collapsed table of the figures under the chart. */
  table?: boolean;
}

const FONT = 10;
const BAR = "#5b7fa8";
const PART = "#1d3557";
const TEXT = "#4a535c";
const GRID = "#dfe3e8";
const dayFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });

/** "1 Dec" for "2026-12-01". */
export const shortDay = (day: string): string => dayFormat.format(new Date(`${day}T00:00:00Z`));

/** A round top for the value scale: 1, 2, 5, 10, 20, 50 … at or above max. */
export function scaleTop(max: number): number {
  if (max <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 5, 10].find((s) => s * power >= max)!;
  return step * power;
}

/** One sentence that says what the chart shows: the total and the busiest day. */
function chartSummary(points: ChartPoint[], options: Pick<ChartOptions, "unit" | "partLabel">): string {
  const total = points.reduce((n, p) => n + p.value, 0);
  if (total === 0) return `No ${pluralOf(options.unit)} in ${plural(points.length, "day")}.`;
  const peak = points.reduce((best, p) => (p.value > best.value ? p : best));
  const part = points.reduce((n, p) => n + (p.part ?? 0), 0);
  const parts = options.partLabel ? `, ${part} of them ${options.partLabel}` : "";
  return `${plural(total, options.unit)} in ${plural(points.length, "day")}${parts}; most on ${shortDay(peak.label)}: ${peak.value}.`;
}

/** A bar per point on a value scale from 0, the dates of some bars below (always the last). */
export function barChart(points: ChartPoint[], options: ChartOptions): string {
  const width = options.width ?? 320;
  const height = options.height ?? 110;
  const top = scaleTop(Math.max(0, ...points.map((p) => p.value)));
  const ticks = top >= 2 && top % 2 === 0 ? [0, top / 2, top] : [0, top];
  const plot = { left: String(top).length * 6 + 8, right: width - 2, top: FONT, bottom: height - FONT - 6 };
  const y = (v: number) => plot.bottom - (v / top) * (plot.bottom - plot.top);
  const slot = (plot.right - plot.left) / Math.max(1, points.length);
  const barWidth = Math.max(1, slot * 0.75);
  const every = Math.max(1, Math.ceil(points.length / Math.floor((plot.right - plot.left) / 44)));
  const bars = points.map((p, i) => bar(p, { x: plot.left + i * slot + (slot - barWidth) / 2, barWidth, y, bottom: plot.bottom, options }));
  // Where bars are wide enough, each one that is not zero carries its figure on top.
  const values =
    slot >= 12
      ? points.flatMap((p, i) => (p.value ? [text(plot.left + (i + 0.5) * slot, Math.max(FONT - 1, y(p.value) - 2), String(p.value), "middle")] : []))
      : [];
  const dates = points.flatMap((p, i) =>
    (points.length - 1 - i) % every === 0
      ? [text(plot.left + (i + 0.5) * slot, height - 3, shortDay(p.label), i === points.length - 1 ? "end" : "middle")]
      : [],
  );
  const scale = ticks.map(
    (t) => `<line x1="${plot.left}" y1="${y(t)}" x2="${plot.right}" y2="${y(t)}" stroke="${GRID}"/>` + text(plot.left - 4, y(t) + 3.5, String(t), "end"),
  );
  const summary = chartSummary(points, options);
  const name = `${options.title}. ${summary}`;
  // An empty chart says so across its middle, so that a flat line is not read as a drawing fault.
  const empty = points.some((p) => p.value) ? "" : text((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2, summary, "middle");
  const svg =
    `<svg class="chart" role="img" aria-label="${escapeHtml(name)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(name)}</title>${scale.join("")}${bars.join("")}${values.join("")}${dates.join("")}${empty}</svg>`;
  return options.table ? svg + figuresTable(points, options) : svg;
}

interface BarLayout {
  x: number;
  barWidth: number;
  y: (v: number) => number;
  bottom: number;
  options: ChartOptions;
}

function bar(p: ChartPoint, { x, barWidth, y, bottom, options }: BarLayout): string {
  const part = p.part ? Math.min(p.part, p.value) : 0;
  const label = `${shortDay(p.label)}: ${plural(p.value, options.unit)}${options.partLabel ? `, ${part} ${options.partLabel}` : ""}`;
  const rect = (v: number, fill: string) =>
    `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(bottom - y(v)).toFixed(1)}" fill="${fill}"/>`;
  return `<g data-day="${escapeHtml(p.label)}"><title>${escapeHtml(label)}</title>${p.value ? rect(p.value, BAR) : ""}${part ? rect(part, PART) : ""}</g>`;
}

function text(x: number, y: number, content: string, anchor: "middle" | "end"): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${FONT}" font-family="Helvetica, Arial, sans-serif" fill="${TEXT}" text-anchor="${anchor}">${escapeHtml(content)}</text>`;
}

function figuresTable(points: ChartPoint[], options: ChartOptions): string {
  const head = `<tr><th scope="col">Day</th><th scope="col" class="n">${escapeHtml(capitalised(pluralOf(options.unit)))}</th>${options.partLabel ? `<th scope="col" class="n">${escapeHtml(capitalised(options.partLabel))}</th>` : ""}</tr>`;
  const rows = points.map(
    (p) => `<tr><td>${escapeHtml(p.label)}</td><td class="n">${p.value}</td>${options.partLabel ? `<td class="n">${p.part ?? 0}</td>` : ""}</tr>`,
  );
  return `<details class="figures-by-day"><summary>Figures by day</summary><table><thead>${head}</thead><tbody>${rows.join("")}</tbody></table></details>`;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The last `days` UTC days ending today, oldest first ("2026-11-19" …). */
export function lastDays(now: Date, days: number): string[] {
  const end = Date.parse(now.toISOString().slice(0, 10));
  return Array.from({ length: days }, (_, i) => new Date(end - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}
