import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// public/llms.txt (llmstxt.org): an H1, a one-paragraph summary in a blockquote, then link
// lists; every link is relative to this site and reaches something the app serves.

const text = fs.readFileSync("public/llms.txt", "utf8");
const links = [...text.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!);

/** The app file that serves a site path: a route handler or a page (route groups ignored). */
function served(urlPath: string): boolean {
  const dirs = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? [path.join(dir, e.name), ...dirs(path.join(dir, e.name))] : []));
  return ["app", ...dirs("app")].some((dir) => {
    const route = `/${dir
      .split(path.sep)
      .slice(1)
      .filter((s) => !/^\(.*\)$/.test(s))
      .join("/")}`;
    return (
      route === urlPath && (fs.existsSync(path.join(dir, "route.ts")) || fs.existsSync(path.join(dir, "page.tsx")))
    );
  });
}

describe("public/llms.txt", () => {
  it("follows the llms.txt layout: title, summary, link lists", () => {
    expect(text.startsWith("# Solrouter\n\n> ")).toBe(true);
    expect(text).toMatch(/^## API$/m);
    expect(text).toMatch(/^- \[OpenAPI 3\.1 document\]\(\/openapi\.json\): /m);
  });

  it("links the OpenAPI document, x402 discovery, the models and the docs, relative to this site", () => {
    expect(links).toEqual(expect.arrayContaining(["/openapi.json", "/.well-known/x402", "/api/models", "/docs"]));
    for (const link of links) expect(link, "relative links only: the file is static").toMatch(/^\/[^/]/);
  });

  it("every link reaches a route or page of the app, and its anchor exists", () => {
    const docs = fs.readFileSync("app/(marketing)/docs/page.tsx", "utf8");
    for (const link of links) {
      const [p, anchor] = link.split("#");
      expect(served(p!), `${link} is not served`).toBe(true);
      if (anchor) expect(docs).toContain(`id: "${anchor}"`);
    }
    expect(served("/no-such-page")).toBe(false);
  });

  it("says how to authenticate: API key, x402, SIWX; internal JWTs are not public", () => {
    expect(text).toContain("Authorization: Bearer sk_solrouter_");
    expect(text).toContain("PAYMENT-SIGNATURE");
    expect(text).toMatch(/SIWX/);
    expect(text).toMatch(/Internal JWTs exist for Solrouter's own products only/);
    expect(text).toContain("`/v1`");
  });
});
