import { describe, expect, it } from "vitest";
import { safeNextPath, signInRedirect } from "./next-path";

describe("after sign-in, only paths on this site", () => {
  it("keeps a dashboard path with its query", () => {
    expect(safeNextPath("/usage?from=2026-01-01&model=gpt-oss%3A20b")).toBe(
      "/usage?from=2026-01-01&model=gpt-oss%3A20b",
    );
    expect(safeNextPath("/keys")).toBe("/keys");
    expect(safeNextPath("/billing#topup")).toBe("/billing#topup");
  });

  it.each([
    "https://evil.test/keys",
    "//evil.test/keys",
    "/\\evil.test",
    "\\\\evil.test",
    "/\t/evil.test",
    "/\n/evil.test",
    "javascript:alert(1)",
    "evil.test",
    "http:evil.test",
    " /keys",
    "",
    null,
    undefined,
    "/" + "a".repeat(3000),
  ])("refuses %j and goes to the dashboard", (raw) => {
    expect(safeNextPath(raw)).toBe("/dashboard");
  });

  it("normalises dot segments without leaving the site", () => {
    expect(safeNextPath("/../../evil.test")).toBe("/evil.test");
    expect(safeNextPath("/keys/%2F%2Fevil.test")).toBe("/keys/%2F%2Fevil.test");
  });

  it("builds the landing page link with the path encoded", () => {
    expect(signInRedirect("/usage?x=1&y=2")).toBe("/?next=%2Fusage%3Fx%3D1%26y%3D2");
    expect(signInRedirect("//evil.test")).toBe("/?next=%2Fdashboard");
    expect(signInRedirect(null)).toBe("/?next=%2Fdashboard");
  });
});
