// Rendering digests in batches, the same way on the main thread and in a render thread: the stories
// travel as article ids, the content as the rows it is built from, the template as its sources.
import type { CandidateRow } from "#src/model.js";
import type { CompiledEmail, TemplateSource } from "#src/mail/fill.js";
import { composeMail, type MailIdentity, type PreparedMail } from "#src/mail/compose.js";
import { buildContent, type DigestContent } from "#src/digest/content.js";
import { renderDigest, type ComposeInput, type DigestArticle } from "#src/digest/compose.js";
import { renderShaped } from "#src/digest/render-shapes.js";
import type { SlabAllocator } from "#src/mail/slabs.js";
import type { Frequency } from "#src/model.js";

/** What content is built from; a render thread builds the same DigestContent from it. */
export interface ContentSource {
  rows: CandidateRow[];
  categoryNames: Array<[string, string]>;
  /** ISO time the content was built at (ranking and relating depend on it). */
  now: string;
  baseUrl: string;
  clickWeight?: number;
  /** Article id → the link its digests show (built on the main thread, where the click key is). */
  storyLinks?: Array<[number, string]>;
}

/** One delivery's digest to render: the stories recorded for it, its links, and its message's envelope. */
export interface RenderJob {
  articleIds: number[];
  frequency: Frequency;
  timezone: string;
  links: { viewUrl: string; preferencesUrl: string; unsubscribeUrl: string };
  /** Recipient, stable Message-ID and the documented headers (List-Unsubscribe…; docs/email.md). */
  message: { to: string; messageId: string; headers: Record<string, string> };
}

/** What is the same for every digest. */
export interface RenderOptions {
  publisher: { name: string; address: string };
  relatedCount: number;
}

export interface RenderRequest {
  content: ContentSource;
  template: TemplateSource;
  options: RenderOptions;
  /** ISO time the digests are dated (in each subscriber's timezone). */
  now: string;
  jobs: RenderJob[];
}

/** Rendering and composing: the digests come back as finished messages for this identity. */
export interface PrepareRequest extends RenderRequest {
  identity: MailIdentity;
}

export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
}

export function contentOf(source: ContentSource): DigestContent {
  const links = new Map(source.storyLinks);
  return buildContent(source.rows, new Map(source.categoryNames), new Date(source.now), {
    baseUrl: source.baseUrl,
    ...(source.clickWeight !== undefined ? { clickWeight: source.clickWeight } : {}),
    link: (id, target) => links.get(id) ?? target,
  });
}

export function storiesByIds(content: DigestContent, ids: number[]): DigestArticle[] {
  return ids.map((id) => content.byId.get(id)).filter((a): a is DigestArticle => a !== undefined);
}

/** What composing one delivery's digest takes. */
function composeInputOf(content: DigestContent, job: RenderJob, options: RenderOptions, at: Date): ComposeInput {
  return {
    topStories: storiesByIds(content, job.articleIds),
    related: content.relator,
    categoryNames: content.categoryNames,
    frequency: job.frequency,
    timezone: job.timezone,
    now: at,
    publisher: options.publisher,
    links: job.links,
    relatedCount: options.relatedCount,
  };
}

/** One digest: the subject, HTML and text a delivery's message carries. */
export function renderJob(template: CompiledEmail, content: DigestContent, job: RenderJob, options: RenderOptions, at: Date): RenderedDigest {
  const { view, html, text } = renderDigest(template, composeInputOf(content, job, options, at));
  return { subject: view.subject, html, text };
}

/**
 * One digest as the bytes of its message (MIME, DKIM-signed if configured), ready for the SMTP pool;
 * filled from its shape (render-shapes.ts), the digests of an edition being few shapes. In a render
 * thread, the bytes go into its slabs (slabs.ts).
 */
export async function prepareJob(
  template: CompiledEmail,
  content: DigestContent,
  job: RenderJob,
  options: RenderOptions,
  identity: MailIdentity,
  at: Date,
  slabs?: SlabAllocator,
): Promise<PreparedMail> {
  const { subject, html, text } = renderShaped(template, composeInputOf(content, job, options, at), content, identity.eightBit !== true);
  return composeMail(identity, { ...job.message, subject, html, text }, {}, slabs);
}
