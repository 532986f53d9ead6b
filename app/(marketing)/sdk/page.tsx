import { redirect } from "next/navigation";

// The address the docs our users read give for creating a key: it is the Keys page (which asks
// a signed-out visitor to sign in first and then comes back).
export default function Sdk(): never {
  redirect("/keys");
}
