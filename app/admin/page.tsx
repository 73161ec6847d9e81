import type { Metadata } from "next";
import { AdminPage } from "../../components/admin/AdminPage";

export const metadata: Metadata = { title: "Users, keys & ingestion · OMS Control Room" };

export default function Admin() {
  return <AdminPage />;
}
