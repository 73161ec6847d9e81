import type { Metadata } from "next";
import { ReportsPage } from "../../components/reports/ReportsPage";

export const metadata: Metadata = { title: "Reliability reports · OMS Control Room" };

export default function Reports() {
  return <ReportsPage />;
}
