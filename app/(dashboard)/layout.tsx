import { requireSession } from "@/lib/auth/current";
import { Logo } from "@/components/site-header";
import { ThemeToggle } from "@/components/theme-toggle";
import { Providers } from "@/components/providers";
import { NavLinks } from "./_components/nav-links";
import { WalletChip } from "./_components/wallet-chip";
import { LowBalanceBanner } from "./_components/low-balance-banner";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const session = await requireSession();
  return (
    <Providers>
      <div className="min-h-screen">
        <header className="sticky top-0 z-10 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
          <div className="mx-auto flex h-14 max-w-6xl items-center gap-3 px-4 sm:px-6">
            <Logo />
            <div className="ml-auto flex items-center gap-1">
              <ThemeToggle />
              <WalletChip wallet={session.wallet} />
            </div>
          </div>
          <NavLinks />
        </header>
        <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-6 sm:px-6 sm:py-8">
          <LowBalanceBanner />
          {children}
        </main>
      </div>
    </Providers>
  );
}
