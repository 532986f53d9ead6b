import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { getDb, type Queryable } from "@/lib/db";
import { idempotencyKeys as t } from "@/lib/db/schema";
import { logger } from "@/lib/log";

/** What a call answered, as stored for replays (the body as sent: JSON of a `chat.completion` or `/agent`). */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type IdempotentResult = (StoredAnswer & { replayed: false }) | (StoredAnswer & { replayed: true });

export interface IdempotencyOptions {
  /** How long a key is remembered (24 h). */
  ttlMs?: number;
  /** A running claim not extended for this long is taken as crashed; the claimer extends it every third of it. */
  leaseMs?: number;
  /** Answers with a larger body (UTF-8 bytes) are not stored: a repeat then gets 409. */
  maxBodyBytes?: number;
  /** Database; the process's own by default. */
  db?: Queryable;
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_LEASE_MS = 30_000;
export const IDEMPOTENCY_MAX_BODY_BYTES = 64 * 1024;
const PURGE_EVERY_MS = 60_000;
const PURGE_BATCH = 1000;

/** The `Idempotency-Key` header: absent → undefined; 1–255 visible ASCII characters, else 400. */
export function parseIdempotencyKey(header: string | null | undefined): string | undefined {
  if (header === null || header === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(header))
    throw new AppError("invalid_request", "Idempotency-Key must be 1 to 255 visible ASCII characters.");
  return header;
}

/** The same key on another endpoint, or with other bytes, is another request. */
export function idempotencyBodyHash(endpoint: string, body: string): string {
  return createHash("sha256").update(endpoint).update("\n").update(body).digest("hex");
}

/** A claim this process holds: finish it with `complete` (stores the answer) or `release` (forgets the key). */
export interface Claim {
  complete(answer: StoredAnswer): Promise<void>;
  release(): Promise<void>;
}

export type ClaimResult = { kind: "claimed"; claim: Claim } | { kind: "replay"; answer: StoredAnswer };

interface Row {
  owner: string;
  body_hash: string;
  state: "running" | "done";
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
}

/**
 * Claims `key` for one run, or says what a previous run left: its stored answer (replay), or throws
 * 409 `idempotency_conflict` (other body, or an answer too large to store) / `idempotency_in_progress`.
 * For a streamed call the route claims before the first byte and completes when the stream ends.
 */
export async function claimIdempotencyKey(
  input: { accountId: string; key: string; bodyHash: string },
  opts: IdempotencyOptions = {},
): Promise<ClaimResult> {
  const q = opts.db ?? (await getDb());
  const ttlMs = opts.ttlMs ?? IDEMPOTENCY_TTL_MS;
  const leaseMs = opts.leaseMs ?? IDEMPOTENCY_LEASE_MS;
  maybePurge(q);
  const owner = randomUUID();
  // One statement, so concurrent repeats cannot both win: a new key is inserted; an existing row is
  // taken over only when it expired, or when its claimer stopped extending its lease (crashed)
  // and the body is the same (a retry of that call).
  const claimed = await q.rows<{ owner: string }>(sql`
    INSERT INTO ${t} (account_id, key, body_hash, state, owner, lease_until, expires_at)
    VALUES (${input.accountId}, ${input.key}, ${input.bodyHash}, 'running', ${owner},
            now() + ${leaseMs}::float8 * interval '1 millisecond', now() + ${ttlMs}::float8 * interval '1 millisecond')
    ON CONFLICT (account_id, key) DO UPDATE SET
      body_hash = EXCLUDED.body_hash, state = 'running', owner = EXCLUDED.owner,
      lease_until = EXCLUDED.lease_until, expires_at = EXCLUDED.expires_at, created_at = now(),
      status = NULL, headers = NULL, body = NULL
    WHERE ${t.expiresAt} <= now()
       OR (${t.state} = 'running' AND ${t.leaseUntil} <= now() AND ${t.bodyHash} = EXCLUDED.body_hash)
    RETURNING owner`);
  if (claimed.length === 1) return { kind: "claimed", claim: holdClaim(q, input, owner, leaseMs, opts) };
  const [row] = await q.rows<Row>(sql`
    SELECT owner, body_hash, state, status, headers, body FROM ${t}
    WHERE ${t.accountId} = ${input.accountId} AND ${t.key} = ${input.key}`);
  // Released (the run failed) or purged between the two statements: try again.
  if (!row) return claimIdempotencyKey(input, opts);
  return { kind: "replay", answer: answerOf(row, input.bodyHash) };
}

function answerOf(row: Row, bodyHash: string): StoredAnswer {
  if (row.body_hash !== bodyHash)
    throw new AppError(
      "idempotency_conflict",
      "This Idempotency-Key was used with a different request body. Use a new key for a new request.",
    );
  if (row.state === "running")
    throw new AppError("idempotency_in_progress", "A request with this Idempotency-Key is still running.", {
      retryAfterSeconds: 1,
    });
  if (row.body === null || row.status === null)
    throw new AppError(
      "idempotency_conflict",
      "The answer to this Idempotency-Key was too large to store, so it cannot be repeated. Use a new key.",
    );
  return { status: row.status, headers: row.headers ?? {}, body: row.body };
}

function holdClaim(
  q: Queryable,
  input: { accountId: string; key: string },
  owner: string,
  leaseMs: number,
  opts: IdempotencyOptions,
): Claim {
  const mine = sql`${t.accountId} = ${input.accountId} AND ${t.key} = ${input.key} AND ${t.owner} = ${owner}`;
  // Long calls (streams) outlive the lease: extend it while this process is alive.
  const timer = setInterval(() => {
    q.rows(
      sql`UPDATE ${t} SET lease_until = now() + ${leaseMs}::float8 * interval '1 millisecond' WHERE ${mine}`,
    ).catch((err) => logger().warn({ err }, "idempotency lease extension failed"));
  }, leaseMs / 3);
  timer.unref();
  let finished = false;
  const finish = async (statement: ReturnType<typeof sql>) => {
    if (finished) return;
    finished = true;
    clearInterval(timer);
    await q.rows(statement);
  };
  const maxBytes = opts.maxBodyBytes ?? IDEMPOTENCY_MAX_BODY_BYTES;
  return {
    complete(answer) {
      const fits = Buffer.byteLength(answer.body, "utf8") <= maxBytes;
      // Too large: the row stays (state done, no body) so a repeat is refused, never run and charged twice.
      return finish(sql`
        UPDATE ${t} SET state = 'done', status = ${answer.status},
          headers = ${JSON.stringify(answer.headers)}::jsonb, body = ${fits ? answer.body : null}
        WHERE ${mine}`);
    },
    release() {
      return finish(sql`DELETE FROM ${t} WHERE ${mine}`);
    },
  };
}

/**
 * Runs `run` once per (account, key) for 24 h; with `input` undefined, simply runs it. A repeat with the same body gets the stored answer
 * (`replayed: true`); `run` throwing releases the key (nothing was charged), so a retry runs again.
 */
export async function withIdempotency(
  input: { accountId: string; key: string; bodyHash: string } | undefined,
  run: () => Promise<StoredAnswer>,
  opts: IdempotencyOptions = {},
): Promise<IdempotentResult> {
  // No key (or not an API-key caller): the call just runs.
  if (!input) return { ...(await run()), replayed: false };
  const got = await claimIdempotencyKey(input, opts);
  if (got.kind === "replay") return { ...got.answer, replayed: true };
  let answer: StoredAnswer;
  try {
    answer = await run();
  } catch (err) {
    await got.claim.release().catch((e) => logger().warn({ err: e }, "idempotency release failed"));
    throw err;
  }
  await got.claim.complete(answer);
  return { ...answer, replayed: false };
}

/** The stored answer as the HTTP response of a repeat. */
export function replayResponse(answer: StoredAnswer): Response {
  return new Response(answer.body, {
    status: answer.status,
    headers: { ...answer.headers, "idempotent-replayed": "true" },
  });
}

/** Deletes up to `limit` expired keys; returns how many. */
export async function purgeExpiredIdempotencyKeys(q: Queryable, limit = PURGE_BATCH): Promise<number> {
  const rows = await q.rows<{ n: number }>(sql`
    WITH gone AS (
      DELETE FROM ${t} WHERE ctid IN (SELECT ctid FROM ${t} WHERE ${t.expiresAt} <= now() LIMIT ${limit})
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`);
  return rows[0]?.n ?? 0;
}

// Expired keys are purged lazily: at most once a minute per process, off the request's path.
let lastPurge = 0;
function maybePurge(q: Queryable): void {
  const now = Date.now();
  if (now - lastPurge < PURGE_EVERY_MS) return;
  lastPurge = now;
  purgeExpiredIdempotencyKeys(q).catch((err) => logger().warn({ err }, "idempotency purge failed"));
}
