import { z } from "zod";

// Building blocks of the API's response schemas. Each one is a zod codec between the wire form
// (what JSON carries) and the server form (what lib/<domain> returns): `z.encode` turns a
// server value into JSON-ready data (lib/http/respond.ts), `Wire<S>` is the type a browser
// receives. No server-only imports: the dashboard imports these types.

/** A bigint on the server, a JSON integer on the wire (the contract's money and token counts). */
export const wireInt = z.codec(z.int(), z.bigint(), {
  decode: (n) => BigInt(n),
  encode: (b) => Number(b),
});

/** An integer number of micro-USD (1 USD = 1,000,000); never a float. */
export const microUsd = (description: string) => wireInt.describe(`${description} (integer micro-USD)`);

/** A Date on the server, an ISO 8601 date-time string on the wire. */
export const wireDate = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (s) => new Date(s),
  encode: (d) => d.toISOString(),
});

/** An ISO 8601 date-time the server already holds as a string. */
export const isoString = z.string().describe("ISO 8601 date-time");

/** The JSON a client receives for a response schema (bigint → number, Date → string). */
export type Wire<S extends z.ZodType> = z.input<S>;
/** What a route hands to `respond` for a response schema: the domain's own types. */
export type Server<S extends z.ZodType> = z.output<S>;
