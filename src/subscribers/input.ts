// What a subscription looks like on the way in (form, JSON, admin import), checked where it enters.
import { z } from "zod";
import { SLUG_PATTERN } from "#src/slug.js";
import { frequencySchema } from "#src/validate.js";
import { normalizeEmail } from "#src/subscribers/address.js";
import { timeZoneName } from "#src/subscribers/timezones.js";

// Forms send "" for an untouched field and a single string for one checked box.
const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);
const toList = (v: unknown) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]);

export const emailSchema = z
  .string({ message: "required" })
  .trim()
  .min(1, { message: "required" })
  .max(254, { message: "is too long" })
  .transform(normalizeEmail)
  .pipe(z.email({ message: "must be an email address, like name@example.com" }));

/** An IANA time zone, kept as the subscriber named it (current or replaced name), in IANA's letter case. */
export const timezoneSchema = z
  .string()
  .trim()
  .max(64)
  .transform((v, ctx) => {
    const zone = timeZoneName(v);
    if (!zone) ctx.addIssue({ code: "custom", message: "must be an IANA time zone, like America/Chicago" });
    return zone ?? v;
  });

export const choicesSchema = z.object({
  categories: z.preprocess(
    toList,
    z
      .array(z.string().regex(SLUG_PATTERN, { message: "must be category slugs" }))
      .min(1, { message: "choose at least one category" })
      .max(100),
  ),
  frequency: z.preprocess(blankToUndefined, frequencySchema.default("daily")),
  timezone: z.preprocess(blankToUndefined, timezoneSchema.default("UTC")),
  sendHour: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: "must be a whole hour from 0 to 23" })
      .int({ message: "must be a whole hour from 0 to 23" })
      .min(0, { message: "must be a whole hour from 0 to 23" })
      .max(23, { message: "must be a whole hour from 0 to 23" })
      .default(7),
  ),
});

export const subscribeSchema = choicesSchema.extend({ email: emailSchema });

export const importSchema = subscribeSchema
  .extend({
    confirmed: z.boolean({ message: "must be true or false" }).default(false),
    consentSource: z.string().trim().min(1).max(500).optional(),
    consentAt: z.iso.datetime({ offset: true, message: "must be an ISO 8601 time" }).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.confirmed && !v.consentSource)
      ctx.addIssue({ code: "custom", path: ["consentSource"], message: "required when confirmed is true: where the consent was given" });
  });

export type ChoicesInput = z.output<typeof choicesSchema>;
