// How every Playwright run here launches Chromium: Playwright cannot download browsers on these
// machines, so Debian's Chromium is used, quiet (no updates, sync or background traffic).
export const chromiumLaunch = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};
