import { PageHeader } from "../_components/page-header";
import { OverviewView } from "./_components/overview-view";

export const metadata = { title: "Overview" };

export default function Overview() {
  return (
    <>
      <PageHeader title="Overview" description="Your balance, spend, keys and latest requests at a glance." />
      <OverviewView />
    </>
  );
}
