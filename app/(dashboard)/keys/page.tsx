import { PageHeader } from "../_components/page-header";

export const metadata = { title: "Keys" };

export default function Page() {
  return <PageHeader title="Keys" description="Coming soon." />;
}
