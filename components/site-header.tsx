import Link from "next/link";
import { ThemeToggle } from "./theme-toggle";

export function Logo() {
  return (
    <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
      <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
        <rect width="24" height="24" rx="6" className="fill-accent-600" />
        <path
          d="M7 15.5c1.2 1.2 2.8 1.8 5 1.8 2.6 0 4-1.1 4-2.7 0-3.6-8.6-1.9-8.6-6 0-1.6 1.5-2.9 4.2-2.9 1.9 0 3.3.5 4.4 1.5"
          fill="none"
          stroke="white"
          strokeWidth="1.8"
          strokeLinecap="round"
        />
      </svg>
      Solrouter
    </Link>
  );
}

export function SiteHeader({ right }: { right?: React.ReactNode }) {
  return (
    <header className="border-b border-zinc-200 bg-white/80 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/80">
      <div className="mx-auto flex h-14 max-w-6xl items-center justify-between gap-3 px-4 sm:px-6">
        <Logo />
        <nav className="flex items-center gap-1 text-sm">
          <Link href="/docs" className="btn-ghost px-2.5">
            Docs
          </Link>
          <ThemeToggle />
          {right}
        </nav>
      </div>
    </header>
  );
}

export function SiteFooter() {
  return (
    <footer className="border-t border-zinc-200 py-8 text-center text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
      Solrouter · Pay-per-call LLMs for Solana wallets
    </footer>
  );
}

/** One numbered step of a getting-started list (the landing page and the docs' quick start). */
export function StepCard({
  step,
  title,
  titleAs: Title = "p",
  children,
}: {
  step: number;
  title: string;
  titleAs?: "p" | "h2";
  children: React.ReactNode;
}) {
  return (
    <>
      <p className="text-xs font-medium text-accent-600 dark:text-accent-400">Step {step}</p>
      <Title className="mt-1 font-medium">{title}</Title>
      <p className="muted mt-1 text-sm leading-6">{children}</p>
    </>
  );
}
