// Route table of the SPA; App mounts it in a browser router, tests in a memory router.
import type { RouteObject } from "react-router";
import { Layout } from "./layout/Layout";
import { BillingPage } from "./pages/BillingPage";
import { ClusterDetailPage } from "./pages/ClusterDetailPage";
import { ClustersPage } from "./pages/ClustersPage";
import { CreateClusterPage } from "./pages/CreateClusterPage";
import { DashboardPage } from "./pages/DashboardPage";
import { DropletsPage } from "./pages/DropletsPage";
import { EventsPage } from "./pages/EventsPage";
import { JobDetailPage } from "./pages/JobDetailPage";
import { JobsPage } from "./pages/JobsPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { ObservabilityPage } from "./pages/ObservabilityPage";
import { OperationsPage } from "./pages/OperationsPage";
import { ProvidersPage } from "./pages/ProvidersPage";
import { QueuesPage } from "./pages/QueuesPage";
import { RateLimitsPage } from "./pages/RateLimitsPage";

export const routes: RouteObject[] = [
  {
    path: "/",
    element: <Layout />,
    children: [
      { index: true, element: <DashboardPage /> },
      { path: "droplets", element: <DropletsPage /> },
      { path: "clusters", element: <ClustersPage /> },
      { path: "clusters/new", element: <CreateClusterPage /> },
      { path: "clusters/:id", element: <ClusterDetailPage /> },
      { path: "operations", element: <OperationsPage /> },
      { path: "jobs", element: <JobsPage /> },
      { path: "jobs/:id", element: <JobDetailPage /> },
      { path: "queues", element: <QueuesPage /> },
      { path: "events", element: <EventsPage /> },
      { path: "rate-limits", element: <RateLimitsPage /> },
      { path: "observability", element: <ObservabilityPage /> },
      { path: "billing", element: <BillingPage /> },
      { path: "providers", element: <ProvidersPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
