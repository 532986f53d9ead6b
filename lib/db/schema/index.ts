export * from "./auth";
export * from "./billing";
export * from "./keys";
export * from "./usage";
export * from "./activity";
export * from "./idempotency";
