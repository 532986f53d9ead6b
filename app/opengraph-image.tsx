import { ImageResponse } from "next/og";
import { ACCENT, FILL } from "./brand";

// The card shown when a link to Solrouter is shared: built once at build time.
export const alt = "Solrouter — LLM calls paid from your Solana wallet";
export const size = { width: 1200, height: 630 };
export const contentType = "image/png";

export default function OpenGraphImage() {
  return new ImageResponse(
    <div
      style={{
        ...FILL,
        flexDirection: "column",
        justifyContent: "space-between",
        padding: 80,
        background: "#09090b",
        color: "#fafafa",
      }}
    >
      <div style={{ display: "flex", alignItems: "center", gap: 20, fontSize: 40, fontWeight: 600 }}>
        <div style={{ width: 64, height: 64, borderRadius: 14, background: ACCENT, display: "flex" }} />
        Solrouter
      </div>
      <div style={{ display: "flex", flexDirection: "column", gap: 24 }}>
        <div style={{ fontSize: 72, fontWeight: 600, lineHeight: 1.1 }}>LLM calls, paid from your Solana wallet.</div>
        <div style={{ fontSize: 32, color: "#a1a1aa" }}>No sign-up · Prepaid in USDC · Pay per call with x402</div>
      </div>
    </div>,
    size,
  );
}
