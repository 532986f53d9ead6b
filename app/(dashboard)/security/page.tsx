import { SecurityView } from "./_components/security-view";

export const metadata = { title: "Security" };

export default function Page() {
  return <SecurityView />;
}
