// /droplets: droplet list with filters, the create form, and the detail panel of the droplet in `?selected=`.
import { useState } from "react";
import { useSearchParams } from "react-router";
import { CreateDropletForm } from "../components/CreateDropletForm";
import { DropletDetail } from "../components/DropletDetail";
import { DropletList } from "../components/DropletList";
import { useToast } from "../context/toast";

export function DropletsPage() {
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const [refreshKey, setRefreshKey] = useState(0);
  const selected = params.get("selected") ?? undefined;

  function select(id: string) {
    setParams((p) => {
      p.set("selected", id);
      return p;
    });
  }

  return (
    <div className="layout">
      <DropletList refreshKey={refreshKey} selectedId={selected} onSelect={select} />
      <aside className="side">
        <CreateDropletForm
          onCreated={(d) => {
            toast.success(`Droplet ${d.name} is being created.`);
            select(d.id);
            setRefreshKey((k) => k + 1);
          }}
        />
        {selected && <DropletDetail key={selected} id={selected} onChanged={() => setRefreshKey((k) => k + 1)} />}
      </aside>
    </div>
  );
}
