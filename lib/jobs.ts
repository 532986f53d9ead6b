import "server-only";

// Background jobs of the server process (reservation sweeper, deposit reconciler) start here.
export async function startBackgroundJobs(): Promise<void> {}
