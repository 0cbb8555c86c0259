// CPU time from Linux's /proc, for the benchmarks that report it per thread or per process.
import { readFileSync } from "node:fs";

// USER_HZ of /proc's CPU times: 100 on Linux.
const CLOCK_TICKS = 100;

/** CPU time (user + system) of the thread or process whose `stat` file this is, µs; 0 when it cannot be read (gone, or no /proc). */
export function cpuMicros(statFile: string): number {
  try {
    const fields = readFileSync(statFile, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
