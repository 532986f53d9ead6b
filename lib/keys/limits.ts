// Key limits shared by the server and the dashboard (no server-only imports here).
export const MAX_ACTIVE_KEYS = 25;
export const KEY_NAME_MAX = 64;
export const ROLL_GRACE_SECONDS = [0, 3600, 86400] as const;
export type RollGraceSeconds = (typeof ROLL_GRACE_SECONDS)[number];
/** $1,000,000,000: keeps caps far inside the range JSON numbers carry exactly. */
export const MAX_SPEND_CAP_MICRO = 1_000_000_000_000_000n;
