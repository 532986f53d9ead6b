// Key limits shared by the server and the dashboard (no server-only imports here).
export const MAX_ACTIVE_KEYS = 25;
export const KEY_NAME_MAX = 64;
export const ROLL_GRACE_SECONDS = [0, 3600, 86400] as const;
export type RollGraceSeconds = (typeof ROLL_GRACE_SECONDS)[number];
/** "must be 0, 3600 or 86400", from the list itself. */
export const ROLL_GRACE_MESSAGE = `must be ${ROLL_GRACE_SECONDS.slice(0, -1).join(", ")} or ${ROLL_GRACE_SECONDS.at(-1)}`;
/** $1,000,000,000: keeps caps far inside the range JSON numbers carry exactly. */
export const MAX_SPEND_CAP_MICRO = 1_000_000_000_000_000n;
/** The periods a spend cap can count over (UTC calendar: day, week from Monday, month). */
export const CAP_PERIOD_VALUES = ["day", "week", "month"] as const;
/** At most this many models in a key's allowlist. */
export const MAX_KEY_MODELS = 50;
export type CapPeriod = (typeof CAP_PERIOD_VALUES)[number];
