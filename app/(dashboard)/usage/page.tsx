import { PageHeader } from "../_components/page-header";

export const metadata = { title: "Usage" };

export default function Page() {
  return <PageHeader title="Usage" description="Coming soon." />;
}
