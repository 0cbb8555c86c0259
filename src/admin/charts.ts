// Small inline SVG charts, rendered on the server: no script, readable without CSS, each bar titled.
import { escapeHtml } from "#src/admin/format.js";

export interface ChartPoint {
  label: string;
  value: number;
  /** A part of value drawn darker inside the bar (the 304s of a day's requests). */
  part?: number;
}

export interface ChartOptions {
  /** Accessible name of the chart. */
  title: string;
  width?: number;
  height?: number;
  unit?: string;
}

/** A bar per point, scaled to the largest; the text of each bar says its figure. */
export function barChart(points: ChartPoint[], options: ChartOptions): string {
  const width = options.width ?? 320;
  const height = options.height ?? 80;
  const max = Math.max(1, ...points.map((p) => p.value));
  const slot = points.length ? width / points.length : width;
  const bar = Math.max(1, slot * 0.8);
  const unit = options.unit ? ` ${options.unit}` : "";
  const bars = points.map((p, i) => {
    const x = (i * slot + (slot - bar) / 2).toFixed(1);
    const h = (p.value / max) * (height - 2);
    const inner = p.part ? (Math.min(p.part, p.value) / max) * (height - 2) : 0;
    const label = `${p.label}: ${p.value}${unit}${p.part !== undefined ? ` (${p.part} not modified)` : ""}`;
    return (
      `<g><title>${escapeHtml(label)}</title>` +
      `<rect x="${x}" y="${(height - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="#7f9cc0"/>` +
      (inner ? `<rect x="${x}" y="${(height - inner).toFixed(1)}" width="${bar.toFixed(1)}" height="${inner.toFixed(1)}" fill="#1d3557"/>` : "") +
      `</g>`
    );
  });
  return (
    `<svg class="chart" role="img" aria-label="${escapeHtml(options.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(options.title)}</title>` +
    `<line x1="0" y1="${height - 0.5}" x2="${width}" y2="${height - 0.5}" stroke="#dfe3e8"/>` +
    bars.join("") +
    `</svg>`
  );
}

/** The last `days` UTC days ending today, oldest first ("2026-11-19" …). */
export function lastDays(now: Date, days: number): string[] {
  const end = Date.parse(now.toISOString().slice(0, 10));
  return Array.from({ length: days }, (_, i) => new Date(end - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}
