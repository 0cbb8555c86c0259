import { pino, type Logger } from "pino";

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "dispatch" }, timestamp: pino.stdTimeFunctions.isoTime });
}
