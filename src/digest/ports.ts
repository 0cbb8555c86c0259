// The digest engine's ports: the few storage methods it calls, in domain types. The store adapts
// to them (store/digests.ts); nothing in digest/ imports the store.
import type {
  AudienceMember,
  CandidateRow,
  ClaimedDelivery,
  DeliveryFailure,
  DeliveryRecord,
  EditionRow,
  Frequency,
  Recipient,
  SendHistory,
} from "#src/model.js";

export interface EditionPort {
  /** Creates the edition for `key` once; later calls return the same id. */
  ensureEdition(e: { key: string; frequency: Frequency; period: string; trigger: string; now: string }): Promise<number>;
  /** One pending delivery per subscriber not yet in the edition; returns how many were added. */
  enqueue(editionId: number, subscriberIds: number[], now: string): Promise<number>;
  subscribersIn(editionIds: number[]): Promise<Map<number, Set<number>>>;
  editionIdsByKey(keys: string[]): Promise<Map<string, number>>;
  edition(id: number): Promise<EditionRow | undefined>;
  editions(limit: number): Promise<EditionRow[]>;
  /** Marks editions whose deliveries have all settled as finished. */
  finishSettledEditions(now: string): Promise<number>;
  failures(editionId: number, limit: number): Promise<DeliveryFailure[]>;
  /** Puts failed deliveries back in the queue; returns how many. */
  retryFailed(editionId: number, now: string): Promise<number>;
}

export interface ClaimOptions {
  workerId: string;
  limit: number;
  now: string;
  leaseUntil: string;
  editionId?: number;
}

export interface DeliveryPort {
  recoverExpiredLeases(now: string): Promise<number>;
  claim(o: ClaimOptions): Promise<ClaimedDelivery[]>;
  /** Records the stories chosen for each delivery and skips those with nothing new, at once. */
  recordComposition(
    composed: Array<{ deliveryId: number; articleIds: number[]; messageId: string }>,
    skipped: number[],
    now: string,
    reason: string,
  ): Promise<void>;
  finish(deliveryId: number, state: "sent" | "skipped" | "failed", now: string, error?: string): Promise<void>;
  markSent(deliveryIds: number[], now: string): Promise<void>;
  retryLater(deliveryId: number, error: string, nextAttemptAt: string, now: string): Promise<void>;
  deliveryOf(editionId: number, subscriberId: number): Promise<DeliveryRecord | undefined>;
}

export interface HistoryPort {
  /** Article ids each subscriber was sent since `since`, and their last send. */
  history(subscriberIds: number[], since: string): Promise<Map<number, SendHistory>>;
}

export interface AudiencePort {
  activeSubscribers(frequency: Frequency): Promise<AudienceMember[]>;
  /** A hard bounce: counts towards the limit, then suppresses. Returns the new status. */
  recordBounce(subscriberId: number, limit: number, now: string): Promise<string>;
  suppress(subscriberId: number, now: string): Promise<void>;
  subscriberByEmail(email: string): Promise<Recipient | undefined>;
  subscriberById(id: number): Promise<Recipient | undefined>;
}

export interface CandidatePort {
  candidates(since: string): Promise<CandidateRow[]>;
}

/** A (frequency, period) with at least one digest sent or being sent: what the public archive lists. */
export interface ArchivedEdition {
  frequency: Frequency;
  period: string;
  /** When the first and the latest edition of that period started. */
  firstAt: string;
  lastAt: string;
}

export interface ArchivePort {
  /** Newest first; `frequency` absent = both. */
  archivedEditions(o: { frequency?: Frequency; limit: number; offset: number }): Promise<ArchivedEdition[]>;
  archivedEdition(frequency: Frequency, period: string): Promise<ArchivedEdition | undefined>;
}

/** Everything a digest run needs from storage. */
export type DigestPorts = EditionPort & DeliveryPort & HistoryPort & AudiencePort & CandidatePort & ArchivePort;
