// Link to the page of an operation's or event's target: droplets open in the droplet panel, clusters on their page.
import { Link } from "react-router";
import { shortId } from "../format";

export function targetPath(kind: string, id: string): string | undefined {
  if (kind === "droplet" || kind === "node") return `/droplets?selected=${encodeURIComponent(id)}`;
  if (kind === "cluster") return `/clusters/${encodeURIComponent(id)}`;
  return undefined;
}

export function TargetLink({ kind, id }: { kind: string; id: string }) {
  const to = targetPath(kind, id);
  const text = `${kind} ${shortId(id)}`;
  return to ? (
    <Link to={to} title={id}>
      {text}
    </Link>
  ) : (
    <span title={id}>{text}</span>
  );
}
