// Inside a render thread (started through render-worker.mjs by render-pool.ts): keeps the content and
// the compiled template it was last sent, and renders the batches it is given with them.
import { parentPort } from "node:worker_threads";
import { compileSource, type CompiledEmail, type TemplateSource } from "#src/mail/fill.js";
import type { DigestContent } from "#src/digest/content.js";
import { contentOf, renderJob, type ContentSource, type RenderJob, type RenderOptions } from "#src/digest/render-batch.js";

export type ThreadMessage =
  | { kind: "content"; content: ContentSource }
  | { kind: "template"; template: TemplateSource }
  | { kind: "render"; id: number; options: RenderOptions; now: string; jobs: RenderJob[] };

export type ThreadReply = { id: number; ok: true; rendered: Array<{ subject: string; html: string; text: string }> } | { id: number; ok: false; error: string };

let content: DigestContent | undefined;
let template: CompiledEmail | undefined;

function handle(message: ThreadMessage): ThreadReply | undefined {
  if (message.kind === "content") content = contentOf(message.content);
  else if (message.kind === "template") template = compileSource(message.template);
  else {
    try {
      if (!content || !template) throw new Error("no content or template was sent before the batch");
      const at = new Date(message.now);
      return { id: message.id, ok: true, rendered: message.jobs.map((job) => renderJob(template!, content!, job, message.options, at)) };
    } catch (error) {
      return { id: message.id, ok: false, error: (error as Error).message ?? String(error) };
    }
  }
  return undefined;
}

parentPort?.on("message", (message: ThreadMessage) => {
  const reply = handle(message);
  if (reply) parentPort!.postMessage(reply);
});
