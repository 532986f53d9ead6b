import { PageHeader } from "../_components/page-header";

export const metadata = { title: "Billing" };

export default function Page() {
  return <PageHeader title="Billing" description="Coming soon." />;
}
