import { describe, expect, it } from "vitest";
import { devBanner } from "./dev-banner";

describe("the dev console's sign-in address", () => {
  it("names APP_URL and its loopback twin on the same port", () => {
    const text = devBanner("http://localhost:3000");
    expect(text).toContain("open http://localhost:3000 (or http://127.0.0.1:3000)");
    expect(text).toContain("npx solrouter login --url http://localhost:3000");
  });

  it("names only APP_URL when it is not a loopback address", () => {
    const text = devBanner("http://192.168.1.5:4201/");
    expect(text).toContain("open http://192.168.1.5:4201\n");
    expect(text).not.toContain("127.0.0.1");
  });
});
