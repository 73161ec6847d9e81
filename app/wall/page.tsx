import type { Metadata } from "next";
import { WallScreen } from "../../components/wall/WallScreen";

export const metadata: Metadata = { title: "Wall · OMS Control Room" };

export default function Wall() {
  return <WallScreen />;
}
