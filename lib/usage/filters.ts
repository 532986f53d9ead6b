import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { AppError } from "@/lib/errors";

// Filters shared by the request log, the daily aggregate and the CSV export. Query strings
// arrive as strings; an empty value means "not set" so a form can submit blank fields.

const DAY_MS = 86_400_000;
const MIN_INSTANT = new Date("1970-01-01T00:00:00Z");
const MAX_INSTANT = new Date("9999-12-31T00:00:00Z");
const MAX_BIGINT = 9_223_372_036_854_775_807n;
export const DEFAULT_RANGE_DAYS = 30;
export const MAX_LIMIT = 200;

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const opt = <S extends z.ZodType>(s: S) => z.preprocess(blankToUndefined, s.optional());

const instant = z
  .string()
  .trim()
  .refine((v) => z.iso.datetime({ offset: true }).safeParse(v).success || z.iso.date().safeParse(v).success, {
    message: "must be an ISO 8601 date or date-time, e.g. 2025-01-31T00:00:00Z",
  })
  .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v))
  // Well-formed is not enough: year 0000 parses in JavaScript but not in PostgreSQL, and an
  // offset can push 9999-12-31 into year 10000. Usage starts after 1970 and ends before 10000.
  .refine((d) => d >= MIN_INSTANT && d < MAX_INSTANT, { message: "must be from 1970-01-01 and before 9999-12-31" });

export const usageFiltersSchema = z
  .object({
    from: opt(instant).describe("From this instant (ISO 8601 date or date-time, UTC); default: 30 UTC days ago"),
    to: opt(instant).describe("Before this instant (ISO 8601 date or date-time); default: now"),
    keyId: opt(z.uuid({ message: "must be a key id (UUID)" })).describe("Only this API key's calls"),
    // Any well-formed model id, not only today's catalogue, so that retired models stay filterable.
    model: opt(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, "must be a model id like gpt-oss:20b"),
    ).describe("Only this model's calls"),
    // An exact HTTP status, or a class: "success" (2xx) or "error" (anything else).
    status: opt(
      z.union([
        z.enum(["success", "error"]),
        z
          .string()
          .regex(/^\d{3}$/, 'must be an HTTP status (100–599), "success" or "error"')
          .transform(Number)
          .pipe(z.number().min(100).max(599)),
      ]),
    ).describe('An exact HTTP status, "success" (2xx) or "error" (anything else)'),
    cursor: opt(z.string().max(200)).describe("nextCursor of the previous page"),
    limit: z
      .preprocess(blankToUndefined, z.coerce.number().int().min(1).max(MAX_LIMIT).default(50))
      .describe(`Items per page, 1–${MAX_LIMIT}`),
  })
  .refine((f) => !f.from || !f.to || f.from < f.to, { message: "from must be before to", path: ["from"] });

export type UsageFilters = z.output<typeof usageFiltersSchema>;
/** What lib callers pass: everything optional. */
export type UsageFilterInput = Partial<UsageFilters>;

export function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/**
 * The default window is the last 30 UTC calendar days including today, the same window as the
 * "30 days" card and the daily chart's bars, so that every number on the page agrees.
 */
export function resolveRange(f: UsageFilterInput, now: Date): { from: Date; to: Date | null } {
  const from = f.from ?? new Date(startOfUtcDay(now).getTime() - (DEFAULT_RANGE_DAYS - 1) * DAY_MS);
  return { from, to: f.to ?? null };
}

// Cursor: the last row's exact created_at (microseconds, which a JS Date would lose) and id.
interface Cursor {
  t: string;
  i: string;
}
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The pattern, and a real instant in range: "2025-13-45T99:…" matches the pattern but not PostgreSQL. */
function validCursorTime(t: string): boolean {
  if (!CURSOR_TIME.test(t)) return false;
  const d = new Date(`${t.slice(0, 23)}Z`);
  return (
    !Number.isNaN(d.getTime()) && d >= MIN_INSTANT && d < MAX_INSTANT && d.toISOString().slice(0, 19) === t.slice(0, 19)
  );
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.t, c.i])).toString("base64url");
}

export function decodeCursor(s: string): Cursor {
  try {
    const [t, i] = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as unknown[];
    if (
      typeof t === "string" &&
      typeof i === "string" &&
      validCursorTime(t) &&
      /^\d{1,19}$/.test(i) &&
      BigInt(i) <= MAX_BIGINT
    )
      return { t, i };
  } catch {
    // fall through
  }
  throw new AppError("invalid_request", "cursor: is not a cursor this API returned.");
}

/**
 * Conditions for the key, model and status filters, as a function of the table alias, so one
 * filter serves several branches of a query (raw events and the hourly rollup share these column names).
 */
export function dimensionConditions(f: UsageFilterInput): (alias: string) => SQL {
  const conds: ((a: SQL) => SQL)[] = [];
  const { keyId, model, status } = f;
  if (keyId) conds.push((a) => sql`${a}.key_id = ${keyId}::uuid`);
  if (model) conds.push((a) => sql`${a}.model = ${model}`);
  if (status === "success") conds.push((a) => sql`${a}.status BETWEEN 200 AND 299`);
  else if (status === "error") conds.push((a) => sql`${a}.status NOT BETWEEN 200 AND 299`);
  else if (typeof status === "number") conds.push((a) => sql`${a}.status = ${status}::int`);
  return (alias) => sql.join(conds.map((c) => sql` AND ${c(sql.raw(alias))}`));
}

/** WHERE clause for the filters (without the cursor); every query is scoped to the account. */
export function whereClause(accountId: string, f: UsageFilterInput, now: Date, alias = "u"): SQL {
  const { from, to } = resolveRange(f, now);
  const a = sql.raw(alias);
  const upper = to ? sql` AND ${a}.created_at < ${to.toISOString()}::timestamptz` : sql``;
  return sql`${a}.account_id = ${accountId} AND ${a}.created_at >= ${from.toISOString()}::timestamptz${upper}${dimensionConditions(f)(alias)}`;
}
