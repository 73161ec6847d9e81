import type { Metadata } from "next";
import { AccountPage } from "../../components/auth/AccountPage";

export const metadata: Metadata = { title: "Account · OMS Control Room" };

export default function Account() {
  return <AccountPage />;
}
