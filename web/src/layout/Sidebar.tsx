// Left navigation: Dashboard, Droplets, Clusters (+ New cluster), Operations, Jobs (+ Queues), Events, Rate limits, Observability,
// Billing and (admins only) Providers. Hiding an entry is a convenience, not a guard: the API checks the role.
import { NavLink } from "react-router";
import { useIsAdmin } from "../hooks/useIsAdmin";

const ITEMS = [
  { to: "/", label: "Dashboard", testid: "nav-dashboard", end: true },
  { to: "/droplets", label: "Droplets", testid: "nav-droplets", end: false },
  { to: "/clusters", label: "Clusters", testid: "nav-clusters", end: true },
  { to: "/clusters/new", label: "New cluster", testid: "nav-new-cluster", end: true, sub: true },
  { to: "/operations", label: "Operations", testid: "nav-operations", end: false },
  { to: "/jobs", label: "Jobs", testid: "nav-jobs", end: false },
  { to: "/queues", label: "Queues", testid: "nav-queues", end: true, sub: true },
  { to: "/events", label: "Events", testid: "nav-events", end: true },
  { to: "/rate-limits", label: "Rate limits", testid: "nav-rate-limits", end: true },
  { to: "/observability", label: "Observability", testid: "nav-observability", end: true },
  { to: "/billing", label: "Billing", testid: "nav-billing", end: true },
  { to: "/providers", label: "Providers", testid: "nav-providers", end: true, admin: true },
];

export function Sidebar() {
  // Shown until a 403 says otherwise, so an admin never waits for the probe to see it.
  const admin = useIsAdmin() !== false;
  return (
    <nav className="sidebar" aria-label="Main">
      <ul>
        {ITEMS.filter((item) => admin || !item.admin).map((item) => (
          <li key={item.to} className={item.sub ? "sub" : undefined}>
            <NavLink to={item.to} end={item.end} data-testid={item.testid}>
              {item.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
