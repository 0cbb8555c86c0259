import { describe, expect, it } from "vitest";
import { openDb } from "#src/store/db.js";

describe("where the data lives", () => {
  it.each([
    ["postgres://news:s3cretpw@db.internal:5432/news", "postgres://news:[redacted]@db.internal:5432/news"],
    ["postgres://news@db.internal/news?password=s3cretpw&sslmode=require", "postgres://news@db.internal/news?password=[redacted]&sslmode=require"],
  ])("describes %s without its password", async (databaseUrl, location) => {
    // The pool connects on the first query: none is made here.
    const db = openDb({ databaseUrl, dataDir: "unused" });
    expect(db.location).toBe(location);
    await db.close();
  });
});
