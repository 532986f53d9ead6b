// What the generated images (app/apple-icon.tsx, app/opengraph-image.tsx) share: the accent and
// a box filling the image with its content laid out by flexbox, the only layout next/og draws.
export const ACCENT = "#4f46e5";
export const FILL = { width: "100%", height: "100%", display: "flex" } as const;
