// App shell (root route): toasts and confirm providers, top bar, sidebar and the current page; pages re-mount on a new token.
import { useCallback, useEffect, useState } from "react";
import { Outlet } from "react-router";
import { getToken, resetConsistency } from "../api/client";
import { resetRateLimit } from "../api/rateLimitHeaders";
import { clearCatalogCache } from "../api/catalog";
import { forgetRole } from "../api/role";
import { ConfirmProvider } from "../components/ConfirmProvider";
import { ToastProvider } from "../components/ToastProvider";
import { consumeSignInFragment } from "../signin";
import { Sidebar } from "./Sidebar";
import { TopBar } from "./TopBar";

export function Layout() {
  const [token, setTokenState] = useState(getToken);

  const tokenChanged = useCallback((next: string) => {
    clearCatalogCache();
    forgetRole();
    resetConsistency();
    resetRateLimit();
    setTokenState(next);
  }, []);

  // A sign-in link opened in a tab that already runs the app only changes the fragment.
  useEffect(() => {
    const onHash = () => {
      if (consumeSignInFragment()) tokenChanged(getToken());
    };
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, [tokenChanged]);

  return (
    <ToastProvider>
      <ConfirmProvider>
        <div className="app">
          <TopBar token={token} onTokenChange={tokenChanged} />
          <div className="shell">
            <Sidebar key={`nav:${token}`} />
            <main className="content" key={token}>
              {token ? (
                <Outlet />
              ) : (
                <p className="hint" data-testid="token-hint">
                  Paste an API token above (or open the sign-in link <code>/#token=…</code> that <code>make dev</code> prints).
                </p>
              )}
            </main>
          </div>
        </div>
      </ConfirmProvider>
    </ToastProvider>
  );
}
