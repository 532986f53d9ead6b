import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyPairSignerFromBytes } from "@solana/kit";
import nacl from "tweetnacl";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { x402Facilitator } from "@x402/core/facilitator";
import { SOLANA_DEVNET_CAIP2, toFacilitatorSvmSigner } from "@x402/svm";
import { ExactSvmScheme } from "@x402/svm/exact/facilitator";
import { overrideEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { spawnLocalnet, type SpawnedLocalnet } from "@/localnet/spawn";
import { cdpFacilitatorConfig } from "./cdp";
import { paymentRequired } from "./requirements";
import { settlePayment, verifyPaymentHeader } from "./verify";
import { createTestPayer, localRpc, tokenBalance } from "@/lib/test/x402-payer";

// X402_FACILITATOR=<url>: the same flow through @x402/core's HTTP client, against a facilitator
// served over HTTP (the library's own, on its own fee payer), as a hosted one would be.
const RESOURCE = "http://localhost:3000/agent";
let dir: string;
let ln: SpawnedLocalnet;
let server: http.Server;
let url: string;
const seen: string[] = [];

async function startFacilitatorServer(rpcUrl: string) {
  const kp = nacl.sign.keyPair();
  const signer = await createKeyPairSignerFromBytes(kp.secretKey);
  await localRpc(rpcUrl, "requestAirdrop", [signer.address, 2_000_000_000]);
  const fac = new x402Facilitator().register(
    SOLANA_DEVNET_CAIP2,
    new ExactSvmScheme(toFacilitatorSvmSigner(signer, { defaultRpcUrl: rpcUrl })),
  );
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", async () => {
      seen.push(`${req.method} ${req.url} auth=${req.headers.authorization ?? "-"}`);
      res.setHeader("content-type", "application/json");
      if (req.url === "/fac/supported") return res.end(JSON.stringify(fac.getSupported()));
      const { paymentPayload, paymentRequirements } = JSON.parse(body);
      if (req.url === "/fac/verify") {
        const r = await fac.verify(paymentPayload, paymentRequirements);
        res.statusCode = r.isValid ? 200 : 400; // hosted facilitators answer 400 for a refused payment
        return res.end(JSON.stringify(r));
      }
      const r = await fac.settle(paymentPayload, paymentRequirements);
      res.statusCode = r.success ? 200 : 400;
      res.end(JSON.stringify(r));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { feePayer: signer.address, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fac` };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "x402-http-"));
  ln = await spawnLocalnet({ port: 0, dataDir: path.join(dir, "localnet"), quiet: true });
  ({ url } = await startFacilitatorServer(ln.info.rpcUrl));
  overrideEnv({
    SOLANA_CLUSTER: "localnet",
    SOLANA_RPC_URL: ln.info.rpcUrl,
    USDC_MINT: ln.info.usdcMint,
    TREASURY_ADDRESS: ln.info.treasury,
    DATA_DIR: path.join(dir, "app"),
    X402_FACILITATOR: url,
  });
});

afterAll(async () => {
  server?.close();
  await ln?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("x402 through a facilitator URL", () => {
  it("advertises the remote fee payer, verifies and settles over HTTP, and maps refusals", async () => {
    const { paymentRequired: pr } = await paymentRequired(1_000, RESOURCE);
    expect(fs.existsSync(path.join(dir, "app"))).toBe(false); // no local fee payer key is made
    const payer = await createTestPayer({ rpcUrl: ln.info.rpcUrl, mints: [ln.info.usdcMint] });
    const before = await tokenBalance(ln.info.rpcUrl, ln.info.treasury, ln.info.usdcMint);
    const verified = await verifyPaymentHeader(await payer.pay(pr), 1_000, RESOURCE);
    const settled = await settlePayment(verified);
    expect(settled.confirmed).toBe(true);
    expect(await tokenBalance(ln.info.rpcUrl, ln.info.treasury, ln.info.usdcMint)).toBe(before + 1_000n);
    expect(seen).toEqual(["GET /fac/supported auth=-", "POST /fac/verify auth=-", "POST /fac/settle auth=-"]);
    // A second settle is refused by the facilitator (HTTP 400 → SettleError) → payment_invalid.
    expect(await settlePayment(verified).catch((e: AppError) => e.code)).toBe("payment_invalid");

    // The facilitator refuses (400 → VerifyError): an underfunded payer.
    const poor = await createTestPayer({ rpcUrl: ln.info.rpcUrl, mints: [ln.info.usdcMint], tokens: 10n });
    const err = (await verifyPaymentHeader(await poor.pay(pr), 1_000, RESOURCE).catch((e) => e)) as AppError;
    expect(err.code).toBe("payment_invalid");
    expect(err.extra.body?.reason).toBe("invalid_exact_svm_transaction_simulation_failed");

    // The facilitator is gone: that is our outage (503), not the payer's fault.
    const header = await payer.pay(pr);
    server.close();
    server.closeAllConnections();
    expect(await verifyPaymentHeader(header, 1_000, RESOURCE).catch((e: AppError) => e.code)).toBe("unavailable");
  });
});

describe("CDP facilitator auth", () => {
  it("signs a per-endpoint JWT with an EC (SEC1 PEM) or Ed25519 (base64) key", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const ed = generateKeyPairSync("ed25519");
    const edJwk = ed.privateKey.export({ format: "jwk" });
    const edSecret = Buffer.concat([Buffer.from(edJwk.d!, "base64url"), Buffer.from(edJwk.x!, "base64url")]).toString(
      "base64",
    );
    const cases = [
      { secret: ec.privateKey.export({ type: "sec1", format: "pem" }).toString(), pub: ec.publicKey, alg: "ES256" },
      { secret: edSecret, pub: ed.publicKey, alg: "EdDSA" },
    ];
    for (const c of cases) {
      const config = cdpFacilitatorConfig("organizations/o/apiKeys/k", c.secret);
      expect(config.url).toBe("https://api.cdp.coinbase.com/platform/v2/x402");
      const headers = await config.createAuthHeaders!();
      for (const [endpoint, method] of [
        ["verify", "POST"],
        ["settle", "POST"],
        ["supported", "GET"],
      ] as const) {
        const jwt = headers[endpoint]!.Authorization!.replace(/^Bearer /, "");
        expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: c.alg, kid: "organizations/o/apiKeys/k", typ: "JWT" });
        const key = await importJWK(c.pub.export({ format: "jwk" }) as never, c.alg);
        const { payload } = await jwtVerify(jwt, key, { issuer: "cdp", audience: "cdp_service" });
        expect(payload.sub).toBe("organizations/o/apiKeys/k");
        expect(payload.uris).toEqual([`${method} api.cdp.coinbase.com/platform/v2/x402/${endpoint}`]);
        expect(payload.exp! - payload.iat!).toBe(120);
      }
    }
  });
});
