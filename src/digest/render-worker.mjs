// The entry of a digest render thread (see render-pool.ts). Node 20 does not pass tsx's loader on to
// worker threads, so the thread registers it before loading the TypeScript that does the work.
import { register } from "tsx/esm/api";

register();
await import("./render-thread.ts");
