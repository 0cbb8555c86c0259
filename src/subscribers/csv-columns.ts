// Reading an imported CSV's header and rows: which column holds what, whatever the list came from
// (Mailchimp's and listmonk's exports, a spreadsheet, our own export). Pure: cells in, values out.
import type { Category, Frequency, SubscriberStatus } from "#src/model.js";
import { emailSchema, timezoneSchema } from "#src/subscribers/input.js";
import { frequencySchema } from "#src/validate.js";

export type CsvField = "email" | "categories" | "frequency" | "timezone" | "sendHour" | "consentAt" | "consentSource" | "status";

// Header names with case, spaces and punctuation removed ("Email Address" → "emailaddress"). For
// the consent date, the first column with a value in the row wins, in this order.
const ALIASES: Record<CsvField, string[]> = {
  email: ["email", "emailaddress", "mail"],
  categories: ["categories", "category", "groups", "lists", "tags"],
  frequency: ["frequency"],
  timezone: ["timezone", "tz"],
  sendHour: ["sendhour"],
  consentAt: ["consentdate", "consentat", "consenttime", "confirmtime", "optintime", "createdat"],
  consentSource: ["consentsource", "source"],
  status: ["status"],
};

// Mailchimp exports its unsubscribed and cleaned members in files of their own, without a status
// column; their extra columns say which file it is.
const IMPLIED_STATUS: Record<string, SubscriberStatus> = { unsubtime: "unsubscribed", cleantime: "suppressed" };

const STATUSES: Record<string, SubscriberStatus> = {
  subscribed: "active",
  active: "active",
  enabled: "active",
  confirmed: "active",
  pending: "pending",
  unconfirmed: "pending",
  unsubscribed: "unsubscribed",
  disabled: "unsubscribed",
  optedout: "unsubscribed",
  cleaned: "suppressed",
  blocklisted: "suppressed",
  blacklisted: "suppressed",
  bounced: "suppressed",
  complained: "suppressed",
  suppressed: "suppressed",
};

export interface CsvColumns {
  /** Cell indexes per field, in priority order. */
  index: Partial<Record<CsvField, number[]>>;
  /** The status of rows without a status cell: "active" unless the file says otherwise. */
  defaultStatus: SubscriberStatus;
}

/** One row as read: fields left undefined had no cell (or an empty one) and change nothing. */
export interface CsvRow {
  email: string;
  status: SubscriberStatus;
  categories?: string[];
  frequency?: Frequency;
  timezone?: string;
  sendHour?: number;
  consentAt?: string;
  consentSource?: string;
}

export type RowResult = { row: CsvRow } | { email: string | null; fields: Record<string, string> };

const headerKey = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Which cells hold what; undefined when no column holds the email address. */
export function readHeader(cells: string[]): CsvColumns | undefined {
  const keys = cells.map(headerKey);
  const index: CsvColumns["index"] = {};
  for (const [field, aliases] of Object.entries(ALIASES) as Array<[CsvField, string[]]>) {
    const found = aliases.flatMap((alias) => keys.flatMap((key, i) => (key === alias ? [i] : [])));
    if (found.length) index[field] = found;
  }
  if (!index.email) return undefined;
  const implied = keys.map((key) => IMPLIED_STATUS[key]).find(Boolean);
  return { index, defaultStatus: implied ?? "active" };
}

/** Undoes the export's guard against spreadsheet formulas ("'=…" → "=…"). */
function unguard(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/** What reading rows looks up: category names or slugs (any letter case) to slugs, and time zones already checked. */
export interface RowLookups {
  categories: Map<string, string>;
  /** Checking a zone builds an Intl formatter: each distinct cell is checked once per import. */
  zones: Map<string, Read<string>>;
}

export function rowLookups(categories: Category[]): RowLookups {
  const slugs = new Map<string, string>();
  for (const c of categories) {
    slugs.set(c.name.trim().toLowerCase(), c.slug);
    slugs.set(c.slug.toLowerCase(), c.slug);
  }
  return { categories: slugs, zones: new Map() };
}

/** Reads one data row; fields that fail are named with what is wrong. */
export function readRow(columns: CsvColumns, cells: string[], lookups: RowLookups): RowResult {
  const cell = (field: CsvField) => {
    for (const i of columns.index[field] ?? []) {
      const value = unguard((cells[i] ?? "").trim());
      if (value) return value;
    }
    return undefined;
  };
  const fields: Record<string, string> = {};
  const check = <T>(field: CsvField, read: (value: string) => Read<T>): T | undefined => {
    const value = cell(field);
    if (value === undefined) return undefined;
    const result = read(value);
    if (typeof result === "object" && result !== null && "problem" in result) fields[field] = String(result.problem);
    else return result as T;
    return undefined;
  };
  const email = emailSchema.safeParse(cell("email") ?? "");
  if (!email.success) fields.email = email.error.issues[0]?.message ?? "invalid";
  const row = {
    status: check("status", readStatus) ?? columns.defaultStatus,
    categories: check("categories", (v) => readCategories(v, lookups.categories)),
    frequency: check("frequency", (v) => fromSchema(frequencySchema, v.toLowerCase())),
    timezone: check("timezone", (v) => readZone(v, lookups.zones)),
    sendHour: check("sendHour", readHour),
    consentAt: check("consentAt", readTime),
    consentSource: check("consentSource", (v) => (v.length > 500 ? { problem: "is too long (at most 500 characters)" } : v)),
  };
  if (!email.success || Object.keys(fields).length) return { email: cell("email") ?? null, fields };
  return { row: withoutUndefined({ email: email.data, ...row }) };
}

type Read<T> = T | { problem: string };

function fromSchema<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ message: string }> } } },
  value: string,
): Read<T> {
  const result = schema.safeParse(value);
  return result.success ? result.data : { problem: result.error.issues[0]?.message ?? "invalid" };
}

const MAX_ZONES_REMEMBERED = 2000;

function readZone(value: string, zones: RowLookups["zones"]): Read<string> {
  let zone = zones.get(value);
  if (zone === undefined) {
    zone = fromSchema(timezoneSchema, value);
    if (zones.size < MAX_ZONES_REMEMBERED) zones.set(value, zone);
  }
  return zone;
}

function readStatus(value: string): Read<SubscriberStatus> {
  return STATUSES[headerKey(value)] ?? { problem: `"${value}" is not a status this import knows (subscribed, pending, unsubscribed, cleaned, blocklisted …)` };
}

/** "US News; world", "tag1,tag2", Mailchimp's `"Tag A","Tag B"`: names or slugs of known categories. */
function readCategories(value: string, categories: Map<string, string>): Read<string[]> {
  const names = value
    .split(/[,;|]/)
    .map((name) =>
      name
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .trim(),
    )
    .filter(Boolean);
  const unknown = names.filter((name) => !categories.has(name.toLowerCase()));
  if (unknown.length) return { problem: `no category named ${unknown.map((n) => `"${n}"`).join(", ")}` };
  return [...new Set(names.map((name) => categories.get(name.toLowerCase())!))];
}

function readHour(value: string): Read<number> {
  const hour = Number(value);
  return Number.isInteger(hour) && hour >= 0 && hour <= 23 ? hour : { problem: "must be a whole hour from 0 to 23" };
}

// ISO 8601, or "2024-05-01 14:03:22" as Mailchimp writes it (UTC), with listmonk's "+00" offsets.
const TIME = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function readTime(value: string): Read<string> {
  const match = TIME.exec(value);
  const offset = match?.[3] ? (/^[+-]\d{2}$/.test(match[3]) ? `${match[3]}:00` : match[3]) : "Z";
  const time = match ? new Date(`${match[1]}T${match[2] ?? "00:00"}${offset}`) : undefined;
  if (!time || Number.isNaN(time.getTime())) return { problem: "must be a date and time, like 2024-05-01 14:03:22 or 2024-05-01T14:03:22Z" };
  return time.toISOString();
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
