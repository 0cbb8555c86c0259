// Inside a render thread (started through render-worker.mjs by render-pool.ts's thread pool): keeps the
// content and the compiled template it was last sent, and renders the batches it is given with them —
// as HTML and text, or composed into finished messages (MIME, DKIM-signed if configured).
import { parentPort, workerData } from "node:worker_threads";
import { compileSource, type CompiledEmail, type TemplateSource } from "#src/mail/fill.js";
import type { MailIdentity, PreparedMail } from "#src/mail/compose.js";
import type { DigestContent } from "#src/digest/content.js";
import type { TaskMessage, TaskReply } from "#src/thread-pool.js";
import { createSlabAllocator } from "#src/mail/slabs.js";
import { MailComposeError } from "#src/mail/mime.js";
import { contentOf, prepareJob, renderJob, type ContentSource, type RenderedDigest, type RenderJob, type RenderOptions } from "#src/digest/render-batch.js";

/** One batch: the jobs to render with the content and template the thread holds (composed too, given an identity). */
export interface RenderTask {
  options: RenderOptions;
  now: string;
  jobs: RenderJob[];
  identity?: MailIdentity;
}

type ThreadMessage = { kind: "content"; content: ContentSource } | { kind: "template"; template: TemplateSource } | TaskMessage<RenderTask>;
/** One job a render thread could not compose, in its place in the batch's answer; `refused`: composeMail refused the message (MailComposeError). */
export interface JobFailure {
  failed: string;
  refused?: true;
}

type ThreadReply = TaskReply<RenderedDigest[] | Array<PreparedMail | JobFailure>>;

let content: DigestContent | undefined;
let template: CompiledEmail | undefined;
/** Where composed messages are written: shared with the main thread, which gives each back once sent. Tests may set small slabs (workerData.slabBytes). */
const slabs = createSlabAllocator({ slabBytes: (workerData as { slabBytes?: number } | undefined)?.slabBytes });

async function handle(message: ThreadMessage): Promise<ThreadReply | undefined> {
  if (message.kind === "content") content = contentOf(message.content);
  else if (message.kind === "template") template = compileSource(message.template);
  else {
    try {
      if (!content || !template) throw new Error("no content or template was sent before the batch");
      const at = new Date(message.task.now);
      const { identity, options, jobs } = message.task;
      // Composing can refuse one message (a header or an address composeMail will not write): that
      // job answers its own failure, and the rest of the batch goes on.
      const rendered = identity
        ? await Promise.all(
            jobs.map((job) =>
              prepareJob(template!, content!, job, options, identity, at, slabs).catch((error: Error): JobFailure => ({
                failed: error.message ?? String(error),
                ...(error instanceof MailComposeError ? { refused: true as const } : {}),
              })),
            ),
          )
        : jobs.map((job) => renderJob(template!, content!, job, options, at));
      return { id: message.id, ok: true, result: rendered };
    } catch (error) {
      return { id: message.id, ok: false, error: (error as Error).message ?? String(error) };
    }
  }
  return undefined;
}

/**
 * Bytes not in a slab are moved to the main thread, not copied: receiving a copied 40 KB message cost
 * the main thread 13 µs, a moved one 4 µs (measured with 20 a batch). Only a buffer that owns all of
 * its memory moves (a slice of Node's shared pool is copied, as the rest of the pool stays here).
 * A slab is shared memory: the main thread reads it in place.
 */
function transferable(result: RenderedDigest[] | Array<PreparedMail | JobFailure>): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const item of result) {
    if (!("raw" in item)) continue;
    const { raw } = item;
    if (raw.buffer instanceof ArrayBuffer && raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength && !buffers.includes(raw.buffer))
      buffers.push(raw.buffer);
  }
  return buffers;
}

// Messages are handled one at a time, in order: content and template before the batches that use them.
let queue: Promise<void> = Promise.resolve();
parentPort?.on("message", (message: ThreadMessage) => {
  queue = queue
    .then(async () => {
      const reply = await handle(message);
      if (reply) parentPort!.postMessage(reply, reply.ok ? transferable(reply.result) : []);
    })
    .catch(() => {
      // Content or a template that would not build: the thread ends, and the pool replaces it and
      // sends them again once (then fails the batch back), as for any thread that dies.
      process.exit(1);
    });
});
