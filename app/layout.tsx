import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { TrpcProvider } from "../components/providers/TrpcProvider";
import { paletteCssVariables } from "../components/palette";
import "maplibre-gl/dist/maplibre-gl.css";
import "./globals.css";

export const metadata: Metadata = {
  title: "OMS Control Room",
  description: "Live outage management for the distribution network",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#0b1320" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" style={paletteCssVariables()}>
      <body>
        <TrpcProvider>{children}</TrpcProvider>
      </body>
    </html>
  );
}
