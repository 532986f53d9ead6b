// What a server type looks like after the HTTP layer's `json()` (lib/http/handler.ts): bigint
// money as plain integers, dates as ISO strings. Client code derives its response types from the
// domain types with this, so the two cannot drift apart. Types only: safe to import anywhere.
export type Json<T> = T extends bigint
  ? number
  : T extends Date
    ? string
    : T extends (infer U)[]
      ? Json<U>[]
      : T extends object
        ? { [K in keyof T]: Json<T[K]> }
        : T;
