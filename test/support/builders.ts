// Builders for test data: article({...}) gives a valid article input with sensible defaults.
let counter = 0;

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
    publishedAt: "2026-11-24T09:00:00.000Z",
    updatedAt: "2026-11-24T09:00:00.000Z",
    ...overrides,
  };
}

export const CATEGORIES = [
  { slug: "us-news", name: "US News", description: "Across the country." },
  { slug: "us-military", name: "US Military", description: "Defense." },
  { slug: "world", name: "World", description: "Around the globe." },
];
