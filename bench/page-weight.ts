// First-load JavaScript on the wire (gzip, as `next start` serves it) for the landing page and the
// signed-in Keys and Usage pages, measured in Debian's Chromium.
import { chromium } from "@playwright/test";
import nacl from "tweetnacl";
import bs58 from "bs58";
import { signedVerifyBody } from "@/lib/test/siws-input";
import { startBenchServer } from "./lib/server";
import { chromiumLaunch } from "../e2e/chromium";

async function sessionCookie(base: string): Promise<string> {
  const kp = nacl.sign.keyPair();
  const address = bs58.encode(kp.publicKey);
  const { input } = await (await fetch(`${base}/api/auth/challenge?address=${address}`)).json();
  const res = await fetch(`${base}/api/auth/verify`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify(signedVerifyBody(input, kp)),
  });
  return res.headers.get("set-cookie")!.split(";")[0]!.split("=")[1]!;
}

export async function benchPageWeight() {
  const server = await startBenchServer("pglite", 3903);
  const browser = await chromium.launch(chromiumLaunch);
  try {
    const token = await sessionCookie(server.url);
    const out: Record<string, number> = {};
    for (const [name, path, signedIn] of [
      ["landing", "/", false],
      ["keys", "/keys", true],
      ["usage", "/usage", true],
      ["billing", "/billing", true],
    ] as const) {
      const context = await browser.newContext();
      if (signedIn) await context.addCookies([{ name: "sr_session", value: token, url: server.url }]);
      const page = await context.newPage();
      const sizes: Promise<number>[] = [];
      page.on("response", (r) => {
        if (r.request().resourceType() === "script")
          sizes.push(
            r
              .request()
              .sizes()
              .then((s) => s.responseBodySize),
          );
      });
      await page.goto(server.url + path, { waitUntil: "load", timeout: 120_000 });
      await page.waitForTimeout(1500);
      const total = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
      out[`${name}FirstLoadJsKbGzip`] = +(total / 1024).toFixed(1);
      await context.close();
    }
    return out;
  } finally {
    await browser.close();
    await server.stop();
  }
}
