import type { Metadata } from "next";
import { CrewPage } from "../../components/crew/CrewPage";

export const metadata: Metadata = { title: "Crew · OMS Control Room" };

export default function Crew() {
  return <CrewPage />;
}
