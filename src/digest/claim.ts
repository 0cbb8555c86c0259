// Claiming: the worker's local queue is refilled a batch at a time. A batch is claimed (with its
// subscribers' history), its digests' stories are chosen and recorded before any send, and the
// render threads start on them while earlier digests still go out.
import type { ClaimedDelivery, SendHistory } from "#src/model.js";
import type { CompiledEmail, TemplateSource } from "#src/mail/render.js";
import type { PreparedMail } from "#src/mail/transport.js";
import { buildContent, loadCandidateRows, type DigestContent } from "#src/digest/content.js";
import { storiesFor } from "#src/digest/rank.js";
import { storiesByIds, type ContentSource, type RenderJob } from "#src/digest/render-batch.js";
import { messageIdFor, renderJobFor, renderOptionsOf } from "#src/digest/message.js";
import { historySince, type DeliveryDeps, type DigestRenderer } from "#src/digest/deps.js";

/** Articles and engagement change slowly; content is reloaded once a minute, not per batch. */
const CONTENT_TTL_MS = 60_000;

/** Digests sent to a render thread at once: small, so the first ones come back while the rest render. */
const RENDER_CHUNK = 20;

const NOTHING_NEW = "nothing new since the last digest";

export interface Queued {
  delivery: ClaimedDelivery;
  job: RenderJob;
  claimedAt: number;
  content: DigestContent;
  template: CompiledEmail;
  /** Rendered and composed ahead by a render thread; absent: on the main thread just before sending. */
  prepared: Promise<PreparedMail | Error> | undefined;
}

interface Loaded {
  content: DigestContent;
  source: ContentSource;
  at: number;
}

/** A claimed batch, ready for the lanes; null when nothing was due. */
type Claimed = { items: Queued[]; skipped: number } | null;

/**
 * Claims batches for one pass of one worker (the content cache lives as long as the pass). `limit`
 * says how many deliveries the next batch claims (see batchLimit in deliver.ts).
 */
export function createClaimer(deps: DeliveryDeps, workerId: string, editionId: number | undefined, limit: () => number): () => Promise<Claimed> {
  const now = deps.now ?? (() => new Date());
  const s = deps.settings;
  let loaded: Loaded | undefined;

  return async () => {
    const started = now();
    // Before claiming: a broken template must fail the pass, not strand claimed deliveries.
    const template = await deps.template();
    await deps.store.recoverExpiredLeases(started.toISOString());
    const claimedAt = performance.now();
    const batch = await deps.store.claim({
      workerId,
      limit: limit(),
      now: started.toISOString(),
      leaseUntil: new Date(started.getTime() + s.leaseSeconds * 1000).toISOString(),
      ...(editionId !== undefined ? { editionId } : {}),
    });
    if (!batch.length) return null;
    if (!loaded || started.getTime() - loaded.at > CONTENT_TTL_MS) loaded = await loadContentAndSource(deps, started);
    const history = await deps.store.history(
      batch.map((d) => d.subscriberId),
      historySince(started),
    );
    const { items, composed, empty } = composeBatch(deps, batch, history, { ...loaded, template, claimedAt }, started);
    // One transaction, before any send: a resend after a crash carries the same stories under the same Message-ID.
    await deps.store.recordComposition(composed, empty, started.toISOString(), NOTHING_NEW);
    if (deps.renderer && template.source) renderAhead(deps, deps.renderer, items, loaded.source, template.source);
    return { items, skipped: empty.length };
  };
}

async function loadContentAndSource(deps: DeliveryDeps, at: Date): Promise<Loaded> {
  const categoryNames = await deps.categoryNames();
  const rows = await loadCandidateRows(deps.store, at);
  const { baseUrl, clickWeight } = deps.settings;
  const content = buildContent(rows, categoryNames, at, { baseUrl, clickWeight, link: deps.links.story });
  const storyLinks = [...content.byId.values()].map((a): [number, string] => [a.articleId, a.url]);
  const source = { rows, categoryNames: [...categoryNames], now: at.toISOString(), baseUrl, clickWeight, storyLinks };
  return { content, source, at: at.getTime() };
}

/** Chooses each delivery's stories (or keeps those recorded at its first claim); nothing new: skipped. */
function composeBatch(
  deps: DeliveryDeps,
  batch: ClaimedDelivery[],
  history: Map<number, SendHistory>,
  common: { content: DigestContent; template: CompiledEmail; claimedAt: number },
  at: Date,
) {
  const s = deps.settings;
  const composed: Array<{ deliveryId: number; articleIds: number[]; messageId: string }> = [];
  const empty: number[] = [];
  const items: Queued[] = [];
  for (const delivery of batch) {
    const stories = delivery.articleIds
      ? storiesByIds(common.content, delivery.articleIds)
      : storiesFor(common.content.ranked, { ...delivery, ...history.get(delivery.subscriberId)! }, s.topStories, at);
    if (!stories.length) {
      empty.push(delivery.deliveryId);
      continue;
    }
    const messageId = messageIdFor(delivery.editionId, delivery.subscriberId, s.mailHost);
    const articleIds = stories.map((x) => x.articleId);
    if (!delivery.articleIds) composed.push({ deliveryId: delivery.deliveryId, articleIds, messageId });
    const job = renderJobFor(delivery, articleIds, deps.links, messageId, s);
    items.push({ delivery, job, claimedAt: common.claimedAt, content: common.content, template: common.template, prepared: undefined });
  }
  return { items, composed, empty };
}

/** Hands the batch to the render threads in chunks; each delivery gets its own message or the chunk's error. */
function renderAhead(deps: DeliveryDeps, renderer: DigestRenderer, items: Queued[], content: ContentSource, template: TemplateSource): void {
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const options = renderOptionsOf(deps.settings);
  const identity = deps.mailer.identity;
  for (let i = 0; i < items.length; i += RENDER_CHUNK) {
    const chunk = items.slice(i, i + RENDER_CHUNK);
    const prepared = renderer.prepare({ content, template, options, identity, now: at, jobs: chunk.map((x) => x.job) }).catch((error: Error) => error);
    chunk.forEach((item, k) => {
      item.prepared = prepared.then((r) => (r instanceof Error ? r : r[k]!));
    });
  }
}

/** The queue lanes take from: one refill (claim) at a time; a failed claim ends the pass. */
export function createLocalQueue(claim: () => Promise<Claimed>, onSkipped: (n: number) => void) {
  const items: Queued[] = [];
  let exhausted = false;
  let failure: unknown;
  let refilling: Promise<void> | undefined;
  const refill = (): Promise<void> =>
    (refilling ??= claim()
      .then((claimed) => {
        if (!claimed) {
          exhausted = true;
          return;
        }
        onSkipped(claimed.skipped);
        // Only now may lanes take them: nothing is sent before its stories are recorded.
        items.push(...claimed.items);
      })
      .catch((error: unknown) => {
        failure = error;
        exhausted = true;
      })
      .finally(() => {
        refilling = undefined;
      }));
  return {
    items,
    refill,
    /** Resolves once no refill is under way (a refill never rejects: its failure is kept in `failure`). */
    settled: (): Promise<void> => refilling ?? Promise.resolve(),
    get exhausted() {
      return exhausted;
    },
    get failure() {
      return failure;
    },
  };
}

export type LocalQueue = ReturnType<typeof createLocalQueue>;
