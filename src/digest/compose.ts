// One subscriber's digest as data: top stories grouped under category headings, each with related
// stories, plus the links and words around them. Pure: the template fills HTML and text from this.
import type { Candidate } from "#src/digest/rank.js";
import type { RelatableArticle, Relator } from "#src/related/relate.js";
import type { LeadImage } from "#src/model.js";
import type { Frequency } from "#src/model.js";

export interface DigestArticle extends Candidate, RelatableArticle {
  url: string;
  author: string | null;
  image: LeadImage | null;
}

export interface DigestView {
  subject: string;
  preheader: string;
  frequencyLabel: string;
  dateLabel: string;
  sections: Array<{
    category: string;
    stories: Array<{
      title: string;
      url: string;
      summary: string;
      author: string | null;
      image: { url: string; alt: string; credit: string } | null;
      related: Array<{ title: string; url: string }>;
    }>;
  }>;
  /** Article ids in the order shown (recorded on the delivery). */
  articleIds: number[];
  publisherName: string;
  publisherAddress: string;
  viewUrl: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
}

export interface ComposeInput {
  topStories: DigestArticle[];
  related: Relator<DigestArticle>;
  /** Category slug → display name. */
  categoryNames: ReadonlyMap<string, string>;
  frequency: Frequency;
  timezone: string;
  now: Date;
  publisher: { name: string; address: string };
  links: { viewUrl: string; preferencesUrl: string; unsubscribeUrl: string };
  relatedCount?: number;
}

export function composeDigest(input: ComposeInput): DigestView {
  const inDigest = new Set(input.topStories.map((s) => s.articleId));
  const sections: DigestView["sections"] = [];
  for (const story of input.topStories) {
    const name = input.categoryNames.get(story.category) ?? story.category;
    let section = sections.find((s) => s.category === name);
    if (!section) sections.push((section = { category: name, stories: [] }));
    section.stories.push({
      title: story.title,
      url: story.url,
      summary: story.summary,
      author: story.author,
      image: story.image ? { url: story.image.url, alt: story.image.alt, credit: story.image.credit } : null,
      related: input.related.related(story.articleId, inDigest, input.relatedCount ?? 3).map((r) => ({ title: r.title, url: r.url })),
    });
  }
  const lead = input.topStories[0];
  const frequencyLabel = input.frequency === "daily" ? "Daily" : "Weekly";
  return {
    subject: lead ? `${frequencyLabel} digest: ${lead.title}` : `${frequencyLabel} digest`,
    preheader:
      input.topStories
        .slice(1, 3)
        .map((s) => s.title)
        .join(" · ") ||
      (lead?.summary ?? ""),
    frequencyLabel,
    dateLabel: dateLabel(input.now, input.timezone),
    sections,
    articleIds: input.topStories.map((s) => s.articleId),
    publisherName: input.publisher.name,
    publisherAddress: input.publisher.address,
    ...input.links,
  };
}

const dateFormats = new Map<string, { format: Intl.DateTimeFormat; time: number; label: string }>();

/**
 * "Wednesday, November 25, 2026" in the subscriber's timezone. Formatters are costly, so kept, and so is
 * each one's last label: a batch of digests is dated with one instant.
 */
export function dateLabel(now: Date, timezone: string): string {
  let entry = dateFormats.get(timezone);
  if (!entry)
    dateFormats.set(timezone, (entry = { format: new Intl.DateTimeFormat("en-US", { dateStyle: "full", timeZone: timezone }), time: NaN, label: "" }));
  const time = now.getTime();
  if (entry.time !== time) entry.label = entry.format.format(now);
  entry.time = time;
  return entry.label;
}

/** Composes and fills the compiled template: the HTML and text parts of one digest. */
export function renderDigest(
  template: { html(data: object): string; text(data: object): string },
  input: ComposeInput,
): { view: DigestView; html: string; text: string } {
  const view = composeDigest(input);
  return { view, html: template.html(view), text: template.text(view) };
}
