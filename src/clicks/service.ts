// Following a digest link: check the token, find the story, count the click if it is a person's
// first within the window, and say where to send them. The target always comes from the article.
import type { ClickTarget } from "#src/store/clicks.js";
import { storyUrl } from "#src/clicks/links.js";
import { UnknownStoryError, type ClickTokens } from "#src/clicks/token.js";
import type { ClickFilter, ClickRequest } from "#src/clicks/filter.js";

export interface ClickPort {
  target(articleId: number): Promise<ClickTarget | undefined>;
  addClick(articleId: number, day: string): Promise<void>;
}

export interface ClickDeps {
  store: ClickPort;
  tokens: ClickTokens;
  filter: ClickFilter;
  baseUrl: string;
  /** CLICK_TRACKING: off, links still lead to their story but nothing is counted. */
  counting: boolean;
  now?: () => Date;
}

export interface FollowedClick {
  location: string;
  counted: boolean;
}

export function createClickService(deps: ClickDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    /** Throws InvalidClickError (cut or changed link) or UnknownStoryError (no such article). */
    async follow(token: string, request: ClickRequest): Promise<FollowedClick> {
      const articleId = deps.tokens.verify(token);
      const article = await deps.store.target(articleId);
      if (!article) throw new UnknownStoryError("click: this story is no longer available");
      const counted = deps.counting && deps.filter.counts(token, request);
      if (counted) await deps.store.addClick(articleId, now().toISOString().slice(0, 10));
      return { location: storyUrl(deps.baseUrl, article), counted };
    },
  };
}

export type ClickService = ReturnType<typeof createClickService>;
