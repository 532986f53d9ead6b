import { env } from "@/lib/env";
import { KeysView } from "./_components/keys-view";

export const metadata = { title: "API keys" };

export default function Page() {
  return <KeysView origin={env().appOrigin} />;
}
