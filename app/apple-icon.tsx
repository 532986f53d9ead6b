import { ImageResponse } from "next/og";
import { ACCENT, FILL } from "./brand";

// The home-screen icon: the same mark as app/icon.svg, as the PNG iOS wants.
export const size = { width: 180, height: 180 };
export const contentType = "image/png";

export default function AppleIcon() {
  return new ImageResponse(
    <div
      style={{
        ...FILL,
        alignItems: "center",
        justifyContent: "center",
        background: ACCENT,
        color: "#fff",
        fontSize: 120,
        fontWeight: 700,
      }}
    >
      S
    </div>,
    size,
  );
}
