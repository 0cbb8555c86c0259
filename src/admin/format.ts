// Text for the dashboard: times as operators read them, numbers with their share.
import Handlebars from "handlebars";

export const escapeHtml = (text: string): string => Handlebars.escapeExpression(text);

/** "2026-11-25 13:52 UTC", or "never". */
export function clock(iso: string | null): string {
  if (!iso) return "never";
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "5 min ago", "in 2 h", "just now": how far an instant is from now. */
export function relative(iso: string | null, now: Date): string {
  if (!iso) return "";
  const seconds = Math.round((Date.parse(iso) - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  const text = abs < 3600 ? `${Math.round(abs / 60)} min` : abs < 172_800 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86_400)} days`;
  return seconds < 0 ? `${text} ago` : `in ${text}`;
}

/** "42%" of a whole; "–" when there is no whole. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)}%` : "–";
}
