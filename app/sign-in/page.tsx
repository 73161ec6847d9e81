import type { Metadata } from "next";
import { SignInForm } from "../../components/auth/SignInForm";

export const metadata: Metadata = { title: "Sign in · OMS Control Room" };

export default function SignInPage() {
  return (
    <main className="center-page">
      <SignInForm />
    </main>
  );
}
