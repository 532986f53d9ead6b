import Link from "next/link";
import { SiteHeader } from "@/components/site-header";

export const metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <>
      <SiteHeader />
      <main id="main" tabIndex={-1} className="mx-auto flex max-w-xl flex-col items-center px-4 py-24 text-center">
        <p className="text-sm font-medium text-accent-700 dark:text-accent-400">404</p>
        <h1 className="mt-2 text-3xl font-semibold tracking-tight">This page does not exist</h1>
        <p className="muted mt-3">The link may be old, or the address mistyped.</p>
        <div className="mt-8 flex flex-wrap justify-center gap-3">
          <Link href="/dashboard" className="btn-primary">
            Go to the dashboard
          </Link>
          <Link href="/docs" className="btn-secondary">
            Read the docs
          </Link>
        </div>
      </main>
    </>
  );
}
