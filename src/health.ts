// GET /healthz's report: the database and the job queue, each up or down with a short detail.

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface HealthSources {
  db: { dialect: string; ping(): Promise<unknown> };
  queue: { kind: string; ping(): Promise<unknown> };
}

export function createHealthCheck(sources: HealthSources): () => Promise<HealthReport> {
  const { db, queue } = sources;
  return async () => {
    const database = await db.ping().then(
      () => ({ ok: true, detail: db.dialect }),
      (error: Error) => ({ ok: false, detail: error.message }),
    );
    const jobs = await queue.ping().then(
      () => ({ ok: true, detail: queue.kind }),
      (error: Error) => ({ ok: false, detail: `${queue.kind}: ${error.message}` }),
    );
    return { ok: database.ok && jobs.ok, checks: { database, queue: jobs } };
  };
}
