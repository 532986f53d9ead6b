import "server-only";
import { getDb } from "./index";

export async function checkDatabase(timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const probe = (async () => (await getDb()).query("SELECT 1"))();
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), timeoutMs)),
    );
    await Promise.race([probe, timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
