// Where a story link leads, and the /r/{token} link a digest carries instead when clicks are counted.
import type { ClickTokens } from "#src/clicks/token.js";

/** The story itself: the article's canonical URL (http or https only), else its page here. */
export function storyUrl(baseUrl: string, article: { slug: string; canonicalUrl: string | null }): string {
  return article.canonicalUrl && /^https?:\/\//i.test(article.canonicalUrl) ? article.canonicalUrl : `${baseUrl}/articles/${encodeURIComponent(article.slug)}`;
}

export function clickUrl(baseUrl: string, tokens: ClickTokens, articleId: number): string {
  return `${baseUrl}/r/${tokens.sign(articleId)}`;
}
