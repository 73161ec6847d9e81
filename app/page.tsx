import { ControlRoom } from "../components/ControlRoom";

export default function HomePage() {
  return <ControlRoom />;
}
