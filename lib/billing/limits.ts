// Top-up bounds shared by the server (intents, the route's schema) and the dashboard's amount
// field. No server-only imports here.

/** The smallest top-up: $1.00. */
export const MIN_TOPUP_MICRO = 1_000_000n;
/** The largest top-up: $10,000.00. */
export const MAX_TOPUP_MICRO = 10_000_000_000n;
