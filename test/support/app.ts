// A real Dispatch, listening on a free port, on the given test database.
import pino, { type Logger } from "pino";
import { afterAll, beforeAll } from "vitest";
import { loadConfig } from "#src/config.js";
import { startDispatch, type Dispatch } from "#src/main.js";
import { createTestDatabase, type Backend, type TestDatabase } from "#test/support/backends.js";
import { startSmtp, type TestSmtp } from "#test/support/smtp.js";
import { CATEGORIES } from "#test/support/builders.js";

export const ADMIN_KEY = "test-admin-key-0123456789abcdef";

export interface TestApp extends Dispatch {
  url: string;
  /** fetch against the app with the admin key. */
  admin(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

/** `logger`: where the app logs (default: silent, or TEST_LOG_LEVEL to stdout). */
export async function startTestApp(database: TestDatabase, env: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<TestApp> {
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: database.dataDir,
    ADMIN_API_KEY: ADMIN_KEY,
    SEED_DEMO: "never",
    // The digest tick would start scheduled editions in the middle of a test at :00, :15, :30, :45.
    DIGEST_CRON: "off",
    // No partner definitions unless a test brings its own (the project's feeds/ holds the demo).
    PARTNERS_DIR: `${database.dataDir}/feeds`,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    ...env,
  });
  const dispatch = await startDispatch(config, options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }));
  const url = dispatch.url!;
  return {
    ...dispatch,
    url,
    admin: (path, init = {}) => {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      headers.set("authorization", `Bearer ${ADMIN_KEY}`);
      if (json !== undefined) headers.set("content-type", "application/json");
      return fetch(`${url}${path}`, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
    },
  };
}

export type TestAppEnv = Record<string, string> | ((database: TestDatabase) => Record<string, string>);

/** A started app for one describe block, with the database it runs on. */
export interface TestAppFixture extends TestApp {
  database: TestDatabase;
}

/**
 * Creates a test database and starts the app in beforeAll, closes and drops them in afterAll.
 * The answer fills in once beforeAll has run; `env` may be a function of the database, or read
 * what an earlier beforeAll set up (an SMTP server's URL).
 */
export function useTestApp(backend: Backend, env: TestAppEnv = {}, options: { logger?: Logger } = {}): TestAppFixture {
  let database: TestDatabase | undefined;
  let app: TestApp | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(backend);
    app = await startTestApp(database, typeof env === "function" ? env(database) : env, options);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });
  return new Proxy({} as TestAppFixture, {
    get(_, key) {
      if (!app || !database) throw new Error(`useTestApp: the app starts in beforeAll; read .${String(key)} inside a hook or test`);
      return key === "database" ? database : Reflect.get(app, key);
    },
  });
}

/**
 * An app that mails to a test SMTP sink, with the test categories created: the set-up of every
 * sign-up journey. Read `.app` and `.smtp` inside hooks and tests.
 */
export function useMailingApp(backend: Backend): { readonly app: TestAppFixture; readonly smtp: TestSmtp } {
  let smtp: TestSmtp | undefined;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await smtp?.close();
  });
  const app = useTestApp(backend, () => ({ SMTP_URL: smtp!.url }));
  beforeAll(async () => {
    for (const category of CATEGORIES) await app.admin("/api/categories", { method: "POST", json: category });
  });
  return {
    app,
    get smtp() {
      if (!smtp) throw new Error("useMailingApp: the SMTP sink starts in beforeAll; read .smtp inside a hook or test");
      return smtp;
    },
  };
}
