import { requireSession } from "@/lib/auth/current";
import { chainConfig } from "@/lib/solana/config";
import { PageHeader } from "../_components/page-header";
import { BillingView } from "./_components/billing-view";

export const metadata = { title: "Billing" };

export default async function Page() {
  const session = await requireSession();
  const c = chainConfig();
  return (
    <>
      <PageHeader title="Billing" description="Prepay for API calls with USDC or $ROUTER from your Solana wallet." />
      <BillingView
        sessionWallet={session.wallet}
        chain={{
          cluster: c.cluster,
          rpcUrl: c.rpcUrl,
          usdcMint: c.usdcMint,
          routerMint: c.routerMint,
          routerPriceUsd: c.routerPriceUsd,
        }}
      />
    </>
  );
}
