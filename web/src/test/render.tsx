// Render helpers: a page through the real route table in a memory router, or one component inside the app's providers.
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { createMemoryRouter, MemoryRouter, RouterProvider } from "react-router";
import { setToken } from "../api/client";
import { ConfirmProvider } from "../components/ConfirmProvider";
import { ToastProvider } from "../components/ToastProvider";
import { routes } from "../routes";

/** Renders the app at `path` (signed in with token "dev" unless `token` is ""). */
export function renderRoute(path: string, token = "dev") {
  if (token) setToken(token);
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  return { router, ...render(<RouterProvider router={router} />) };
}

/** Renders one component with the toast and confirm providers and a router around it. */
export function renderWithProviders(ui: ReactElement, path = "/") {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <ToastProvider>
        <ConfirmProvider>{ui}</ConfirmProvider>
      </ToastProvider>
    </MemoryRouter>,
  );
}
