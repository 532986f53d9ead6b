/** What every record of one call says, whichever view reads it (events, log, generations, settlement). */
export interface CallMeasures {
  model: string;
  inputTokens: number;
  outputTokens: number;
  costMicro: bigint;
  latencyMs: number;
}

/** The same, as a usage_events row reads back (bigints as text). */
export interface CallMeasuresRow {
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost_micro: string;
  latency_ms: number;
  status: number;
}
