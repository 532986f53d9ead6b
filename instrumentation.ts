export async function register() {
  const { isNodeRuntime } = await import("./lib/env");
  if (!isNodeRuntime()) return;
  const { boot } = await import("./lib/boot");
  await boot();
}
