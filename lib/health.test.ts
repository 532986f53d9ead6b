import { afterAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/health/route";
import { overrideEnv } from "@/lib/env";
import { bootDependencyWarnings, dependencyWarnings } from "@/lib/health";
import { testDbKinds } from "@/lib/test/db";
import { testRuntime } from "@/lib/test/runtime";
import { call } from "@/lib/test/http";
import { clusterEnv, freePortPair, startTestLocalnet, stopTestLocalnet, type TestLocalnet } from "@/lib/test/localnet";
import { startMockModel, type MockModel } from "@/lib/test/mock-model";

describe.each(testDbKinds())("GET /api/health (%s)", (kind) => {
  testRuntime(kind);
  let net: TestLocalnet | undefined;
  let model: MockModel | undefined;
  afterAll(async () => {
    overrideEnv({});
    await model?.close();
    await stopTestLocalnet(net);
  });

  it("reports a missing cluster and model server by name while the database serves (200, degraded)", async () => {
    const nobody = await freePortPair();
    overrideEnv({
      SOLANA_CLUSTER: "localnet",
      SOLANA_RPC_URL: `http://127.0.0.1:${nobody}`,
      USDC_MINT: "",
      TREASURY_ADDRESS: "",
      UPSTREAM_URL: "",
    });
    const res = await call(GET);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      status: "degraded",
      database: true,
      dependencies: { database: { state: "up" }, rpc: { state: "down" }, model: { state: "unconfigured" } },
    });
    expect(res.json.dependencies.rpc.detail).toContain(`127.0.0.1:${nobody}`);
    expect(res.json.dependencies.rpc.detail).toContain("npm run localnet");
    // The boot log gets one warning per missing part.
    expect(dependencyWarnings(res.json.dependencies)).toEqual([
      expect.stringMatching(/^rpc: /),
      expect.stringMatching(/^model: UPSTREAM_URL is not set/),
    ]);
  });

  it("says ok when the cluster, its mints and the model server all answer", async () => {
    net ??= await startTestLocalnet();
    model ??= await startMockModel(0);
    overrideEnv({ ...clusterEnv(net.ln.info), UPSTREAM_URL: model.url });
    const res = await call(GET);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      status: "ok",
      database: true,
      dependencies: { database: { state: "up" }, rpc: { state: "up" }, model: { state: "up" } },
    });
  });

  it("at boot, warns about a part only when a second look agrees it is missing", async () => {
    const port = await freePortPair();
    overrideEnv({ ...clusterEnv(net!.ln.info), UPSTREAM_URL: `http://127.0.0.1:${port}` });
    const pending = bootDependencyWarnings();
    const late = await startMockModel(port); // up while the first look's answer is being doubted
    try {
      expect(await pending).toEqual([]);
    } finally {
      await late.close();
    }
    overrideEnv({ ...clusterEnv(net!.ln.info), UPSTREAM_URL: `http://127.0.0.1:${port}` });
    expect(await bootDependencyWarnings()).toEqual([
      `model: The model server at http://127.0.0.1:${port} does not answer.`,
    ]);
  }, 30_000);

  it("reports a cluster without mints as unconfigured, and a model server that went away as down", async () => {
    const url = model!.url;
    await model!.close();
    model = undefined;
    overrideEnv({ ...clusterEnv(net!.ln.info), USDC_MINT: "", TREASURY_ADDRESS: "", UPSTREAM_URL: url });
    const res = await call(GET);
    expect(res.json.dependencies.rpc).toMatchObject({
      state: "unconfigured",
      detail: expect.stringContaining("USDC_MINT and TREASURY_ADDRESS"),
    });
    expect(res.json.dependencies.model).toMatchObject({ state: "down" });
  });
});
