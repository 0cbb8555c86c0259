// Waiting for effects that happen after the answer (background pings, other processes).

/** Polls every intervalMs until the check passes, or rethrows its last failure after timeoutMs. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000, intervalMs = 25): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
