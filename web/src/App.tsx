// Top-level layout: token bar, readiness badge, droplet list, create form and detail panel.
import { useState } from "react";
import { getToken } from "./api/client";
import type { Droplet } from "./api/droplets";
import { CreateDropletForm } from "./components/CreateDropletForm";
import { DropletDetail } from "./components/DropletDetail";
import { DropletList } from "./components/DropletList";
import { ReadyBadge } from "./components/ReadyBadge";
import { TokenField } from "./components/TokenField";

export function App() {
  const [hasToken, setHasToken] = useState(() => getToken() !== "");
  const [refreshKey, setRefreshKey] = useState(0);
  const [consistencyToken, setConsistencyToken] = useState<string | undefined>();
  const [selected, setSelected] = useState<{ id: string; token?: string } | null>(null);

  function changed(token?: string) {
    setConsistencyToken(token);
    setRefreshKey((k) => k + 1);
  }

  function created(droplet: Droplet, token?: string) {
    setSelected({ id: droplet.id, token });
    changed(token);
  }

  return (
    <div className="app">
      <header className="topbar">
        <h1>ClusterGenie</h1>
        <ReadyBadge />
        <TokenField
          onChange={(t) => {
            setHasToken(t !== "");
            setRefreshKey((k) => k + 1);
          }}
        />
      </header>
      {!hasToken ? (
        <p className="hint">Paste an API token above to see your droplets.</p>
      ) : (
        <main className="layout">
          <DropletList
            refreshKey={refreshKey}
            consistencyToken={consistencyToken}
            selectedId={selected?.id}
            onSelect={(id) => setSelected({ id })}
          />
          <aside className="side">
            <CreateDropletForm onCreated={created} />
            {selected && (
              <DropletDetail key={selected.id} id={selected.id} initialToken={selected.token} onChanged={changed} />
            )}
          </aside>
        </main>
      )}
    </div>
  );
}
