// What a partner definition is (a file in PARTNERS_DIR or a POST /api/partners body), checked with zod.
import { z } from "zod";
import { slugSchema } from "#src/slug.js";
import { DEFAULT_INTERVAL_BOUNDS } from "#src/model.js";

/** The URL's scheme, lower-cased ("FILE:" is "file:"), or undefined when it is not an absolute URL. */
export function schemeOf(url: string): string | undefined {
  try {
    return new URL(url).protocol;
  } catch {
    return undefined;
  }
}

/** A user name or password in the URL: the fetch refuses them, and they would show wherever the URL does. */
function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return false;
  }
}

const feedUrl = z
  .string()
  .refine((v) => ["http:", "https:", "file:"].includes(schemeOf(v) ?? ""), {
    message: "must be an absolute http(s) URL (or file: in a definition file)",
  })
  .refine((v) => !hasCredentials(v), { message: "must not carry a user name or password (ask the partner for a key in the query or a public URL)" });

/** Polling bounds in minutes: at least a minute, at most a week. */
const minutes = () =>
  z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60);

export const partnerDefinitionSchema = z
  .object({
    slug: slugSchema,
    name: z.string().trim().min(1, { message: "required" }).max(200),
    url: feedUrl.nullable().default(null),
    category: slugSchema.nullable().default(null),
    categoryMap: z.record(z.string().min(1).max(200), slugSchema).default({}),
    intervalMinutes: minutes().default(15),
    /** The learned pace never polls more often than this… */
    minIntervalMinutes: minutes().default(DEFAULT_INTERVAL_BOUNDS.minIntervalMinutes),
    /** …nor less often than this. */
    maxIntervalMinutes: minutes().default(DEFAULT_INTERVAL_BOUNDS.maxIntervalMinutes),
    fullContent: z.boolean().default(false),
    enabled: z.boolean().default(true),
    allowPrivateNetwork: z.boolean().default(false),
  })
  .refine((p) => p.minIntervalMinutes <= p.maxIntervalMinutes, {
    message: "must not be more than maxIntervalMinutes",
    path: ["minIntervalMinutes"],
  });

export type PartnerDefinition = z.output<typeof partnerDefinitionSchema>;

/** A partner created through the API may not read local files: only definition files may use file: URLs. */
export const apiPartnerSchema = partnerDefinitionSchema.refine((p) => !p.url || schemeOf(p.url) !== "file:", {
  message: "must be an http(s) URL",
  path: ["url"],
});
