// View models for the page templates: plain data in, plain data out.
import type { Category, SubscriberChoices } from "#src/model.js";
import { TIME_ZONES } from "#src/subscribers/timezones.js";

export interface ChoicesValues {
  categories?: unknown;
  frequency?: unknown;
  timezone?: unknown;
  sendHour?: unknown;
}

/** The category, frequency, time zone and hour fields, filled with what was chosen or sent. */
export function choicesView(categories: Category[], values: ChoicesValues | SubscriberChoices, errors: Record<string, string> = {}) {
  const chosen = new Set(listOf(values.categories));
  const frequency = String(values.frequency ?? "daily");
  const timezone = String(values.timezone || "UTC");
  const hour = values.sendHour === undefined || values.sendHour === "" ? 7 : Number(values.sendHour);
  return {
    categories: categories.map((c) => ({ slug: c.slug, name: c.name, description: c.description, checked: chosen.has(c.slug) })),
    frequencies: [
      { value: "daily", label: "Daily", checked: frequency === "daily" },
      { value: "weekly", label: "Weekly", checked: frequency === "weekly" },
    ],
    timezones: (TIME_ZONES.includes(timezone) ? TIME_ZONES : [timezone, ...TIME_ZONES]).map((z) => ({ value: z, selected: z === timezone })),
    hours: Array.from({ length: 24 }, (_, h) => ({ value: h, label: `${String(h).padStart(2, "0")}:00`, selected: h === hour })),
    errors,
    errorList: errorList(errors),
  };
}

const FIELD_LABELS: Record<string, string> = {
  email: "Email address",
  categories: "Categories",
  frequency: "How often",
  timezone: "Time zone",
  sendHour: "Hour",
};

/** The errors in the order of the form's fields, each linking to its field (the form's own first). */
function errorList(errors: Record<string, string>) {
  const fields = Object.keys(FIELD_LABELS);
  const rank = (key: string) => (key === "form" ? -1 : fields.includes(fieldOf(key)) ? fields.indexOf(fieldOf(key)) : fields.length);
  return Object.entries(errors)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([key, message]) => {
      const field = fieldOf(key);
      const label = FIELD_LABELS[field];
      return label ? { field, href: `#${field}`, message: `${label}: ${message}` } : { field, message: key === "form" ? message : `${key}: ${message}` };
    });
}

/** "categories.0" → "categories": the field an issue's path starts with. */
const fieldOf = (key: string) => key.split(".")[0]!;

function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === "string" && value ? [value] : [];
}
