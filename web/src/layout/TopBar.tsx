// Top bar: product name, Demo Mode badge, build version, readiness badge, rate-limit quota of the last answer, API token field.
import { Link } from "react-router";
import { RateLimitIndicator } from "../components/RateLimitIndicator";
import { ReadyBadge } from "../components/ReadyBadge";
import { TokenField } from "../components/TokenField";
import { APP_VERSION } from "../version";

interface Props {
  token: string;
  onTokenChange: (token: string) => void;
}

export function TopBar({ token, onTokenChange }: Props) {
  return (
    <header className="topbar">
      <h1>
        <Link to="/" className="brand">
          ClusterGenie
        </Link>
      </h1>
      <span className="badge demo" data-testid="demo-badge">
        Demo Mode
      </span>
      <span className="version" data-testid="app-version">
        v{APP_VERSION}
      </span>
      <ReadyBadge />
      <RateLimitIndicator />
      {/* The key re-mounts the field when a sign-in link changes the token. */}
      <TokenField key={token} onChange={onTokenChange} />
    </header>
  );
}
