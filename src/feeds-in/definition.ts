// What a partner definition is (a file in PARTNERS_DIR or a POST /api/partners body), checked with zod.
import { z } from "zod";
import { slugSchema } from "#src/articles/input.js";

const feedUrl = z.string().refine(
  (v) => {
    try {
      return ["http:", "https:", "file:"].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  },
  { message: "must be an absolute http(s) URL (or file: in a definition file)" },
);

export const partnerDefinitionSchema = z.object({
  slug: slugSchema,
  name: z.string().trim().min(1, { message: "required" }).max(200),
  url: feedUrl.nullable().default(null),
  category: slugSchema.nullable().default(null),
  categoryMap: z.record(z.string().min(1).max(200), slugSchema).default({}),
  intervalMinutes: z.number().int().min(1).max(7 * 24 * 60).default(15),
  fullContent: z.boolean().default(false),
  enabled: z.boolean().default(true),
  allowPrivateNetwork: z.boolean().default(false),
});

export type PartnerDefinition = z.output<typeof partnerDefinitionSchema>;

/** A partner created through the API may not read local files: only definition files may use file: URLs. */
export const apiPartnerSchema = partnerDefinitionSchema.refine((p) => !p.url || !p.url.startsWith("file:"), {
  message: "must be an http(s) URL",
  path: ["url"],
});
