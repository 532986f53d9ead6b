import { ImageResponse } from "next/og";

// The home-screen icon: the same mark as app/icon.svg, as the PNG iOS wants.
export const size = { width: 180, height: 180 };
export const contentType = "image/png";

export default function AppleIcon() {
  return new ImageResponse(
    <div
      style={{
        width: "100%",
        height: "100%",
        display: "flex",
        alignItems: "center",
        justifyContent: "center",
        background: "#4f46e5",
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
