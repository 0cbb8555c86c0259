// Builders for test data: article({...}) gives a valid article input with sensible defaults.
// Dates default to an hour ago, so that a test's stories stay inside every "recent" window
// (digests, ranking) whatever day the suite runs on.
import type { PartnerInput } from "#src/model.js";

let counter = 0;

export function hoursAgo(hours: number, now = Date.now()): string {
  return new Date(now - hours * 3_600_000).toISOString();
}

export function article(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    slug: `story-${counter}`,
    title: `Story number ${counter}`,
    summary: `Summary of story ${counter}.`,
    body: `<p>Body of story ${counter}.</p>`,
    author: "Jane Doe",
    category: "us-news",
    tags: ["economy"],
    image: { url: "https://img.example.com/a.jpg", alt: "A picture", credit: "Reuters" },
    canonicalUrl: `https://news.example.com/story-${counter}`,
    publishedAt: hoursAgo(1),
    updatedAt: hoursAgo(1),
    ...overrides,
  };
}

export const CATEGORIES = [
  { slug: "us-news", name: "US News", description: "Across the country." },
  { slug: "us-military", name: "US Military", description: "Defense." },
  { slug: "world", name: "World", description: "Around the globe." },
];

/** A partner that only reads our feeds (no feed of its own), with full content: Acme Wire unless overridden. */
export function partner(overrides: Partial<PartnerInput> = {}): PartnerInput {
  return {
    slug: "acme",
    name: "Acme Wire",
    url: null,
    category: null,
    categoryMap: {},
    intervalMinutes: 15,
    fullContent: true,
    enabled: true,
    allowPrivateNetwork: false,
    ...overrides,
  };
}
