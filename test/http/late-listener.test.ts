import { afterEach, describe, expect, it } from "vitest";
import { createLateListener, listen, type RunningServer } from "#src/http/server.js";

describe("late listener", () => {
  let server: RunningServer | undefined;
  afterEach(async () => server?.close(1000));

  it("answers 503 until the app is handed over, then the app (only the first one handed over)", async () => {
    const late = createLateListener();
    server = await listen(late.listener, { port: 0, host: "127.0.0.1" });
    const url = `http://127.0.0.1:${server.port}/`;
    expect((await fetch(url)).status).toBe(503);
    late.serve((_req, res) => res.writeHead(200).end("app"));
    late.serve((_req, res) => res.writeHead(500).end("other"));
    const answer = await fetch(url);
    expect([answer.status, await answer.text()]).toEqual([200, "app"]);
  });
});
