// /rate-limits: the caller's live limits (GET /rate_limit, every 5 s; reading it consumes nothing) and, for admins, the
// default policy and per-user overrides (GET/PUT with If-Match; a 412 offers a reload). Non-admins see only their limits.
import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import {
  deleteUserPolicy,
  getDefaultPolicy,
  getMyLimits,
  getUserPolicy,
  listPolicies,
  putDefaultPolicy,
  putUserPolicy,
  type PolicyDoc,
  type RateLimitRule,
  type RateLimitState,
} from "../api/rateLimits";
import { PolicyEditor } from "../components/PolicyEditor";
import { ProblemMessage } from "../components/ProblemMessage";
import { useToast } from "../context/toast";
import { formatSeconds } from "../format";
import { useResource } from "../hooks/useResource";

/** Requests admitted back to back when the policy is full: burst + 1. */
function capacity(p: RateLimitState): number {
  return Math.max(1, p.burst + 1);
}

function LimitBar({ p }: { p: RateLimitState }) {
  const cap = capacity(p);
  const pct = Math.max(0, Math.min(100, Math.round((100 * p.remaining) / cap)));
  const low = pct <= 20;
  return (
    <div className={`progress limit-bar${low ? " low" : ""}`} role="meter" aria-valuemin={0} aria-valuemax={cap} aria-valuenow={p.remaining} aria-label={`${p.name} remaining`}>
      <div className="progress-fill" style={{ width: `${pct}%` }} />
      <span className="progress-text">
        {p.remaining} / {cap} left
      </span>
    </div>
  );
}

function MyLimits() {
  const limits = useResource(async (signal) => (await getMyLimits({}, signal)).data, [], { pollMs: 5000 });
  const s = limits.data;
  return (
    <section className="panel" aria-label="My limits">
      <header className="panel-header">
        <h2>My limits</h2>
        <span className="total">
          {s ? `user ${s.user_id} · policy version ${s.policy_version}` : ""}
          {s && s.source !== "redis" && (
            <span className="pill status-degraded" data-testid="limits-fallback">
              {" "}
              {s.source}: counted per instance
            </span>
          )}
        </span>
      </header>
      <ProblemMessage error={limits.error} />
      <table>
        <thead>
          <tr>
            <th>Policy</th>
            <th>Quota</th>
            <th>Burst</th>
            <th>Key</th>
            <th>Remaining</th>
            <th>Full again in</th>
          </tr>
        </thead>
        <tbody>
          {(s?.policies ?? []).map((p) => (
            <tr key={p.name} data-testid="limit-row">
              <td className="mono">{p.name}</td>
              <td>
                {p.quota} per {formatSeconds(p.window_seconds)}
              </td>
              <td>{p.burst}</td>
              <td>{p.key}</td>
              <td className="progress-cell">
                <LimitBar p={p} />
              </td>
              <td>{p.reset_seconds ? formatSeconds(p.reset_seconds) : "now"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The default policy document; answers whether the caller is an admin (403 → not). */
function DefaultPolicy({ doc, onChanged }: { doc: PolicyDoc; onChanged: () => Promise<void> }) {
  const toast = useToast();
  return (
    <section className="panel" aria-label="Default policy">
      <header className="panel-header">
        <h2>Default policy</h2>
        <span className="total">version {doc.policy.version}</span>
      </header>
      <PolicyEditor
        key={doc.etag}
        label="Default policy rules"
        rules={doc.policy.policies}
        etag={doc.etag}
        onReload={() => void onChanged()}
        onSave={async (rules, etag) => {
          await putDefaultPolicy(rules, etag);
          toast.success("Default policy saved; it applies from the next request.");
          await onChanged();
        }}
      />
    </section>
  );
}

function UserOverrides({ defaults }: { defaults: RateLimitRule[] }) {
  const toast = useToast();
  const list = useResource(async (signal) => (await listPolicies(undefined, signal)).data, []);
  const [userId, setUserId] = useState("");
  const [open, setOpen] = useState<{ userId: string; doc: PolicyDoc | null } | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function load(id: string) {
    setError(null);
    try {
      setOpen({ userId: id, doc: await getUserPolicy(id) });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setOpen({ userId: id, doc: null });
      else setError(err);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (userId.trim()) void load(userId.trim());
  }

  const overrides = (list.data?.rate_limit_policies ?? []).filter((p) => p.id !== "default" && p.user_id);
  return (
    <section className="panel" aria-label="Per-user overrides">
      <header className="panel-header">
        <h2>Per-user overrides</h2>
        <span className="total">{overrides.length} override(s)</span>
      </header>
      <ProblemMessage error={list.error} />
      <table>
        <thead>
          <tr>
            <th>User</th>
            <th>Version</th>
            <th>Rules</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {overrides.map((p) => (
            <tr key={p.id} data-testid="override-row">
              <td className="mono">{p.user_id}</td>
              <td>{p.version}</td>
              <td>{p.policies.map((r) => `${r.name} ${r.quota}/${r.window_seconds}s`).join(", ")}</td>
              <td>
                <button type="button" className="small" onClick={() => void load(p.user_id!)} data-testid="edit-override">
                  Edit
                </button>
              </td>
            </tr>
          ))}
          {list.data && overrides.length === 0 && (
            <tr>
              <td colSpan={4} className="empty">
                No user has an override; everyone gets the defaults.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <form className="inline-form" onSubmit={submit}>
        <input aria-label="User id" placeholder="user id" value={userId} onChange={(e) => setUserId(e.target.value)} />
        <button type="submit" disabled={!userId.trim()} data-testid="open-override">
          Open override
        </button>
      </form>
      <ProblemMessage error={error} />
      {open && (
        <div className="override-editor" data-testid="override-editor">
          <h3>
            Override for <span className="mono">{open.userId}</span>{" "}
            {open.doc ? <span className="muted">version {open.doc.policy.version}</span> : <span className="muted">(new, starts from the defaults)</span>}
          </h3>
          <PolicyEditor
            key={`${open.userId}:${open.doc?.etag ?? "new"}`}
            label={`Override rules of ${open.userId}`}
            rules={open.doc?.policy.policies ?? defaults}
            etag={open.doc?.etag ?? "*"}
            onReload={() => void load(open.userId)}
            onSave={async (rules, etag) => {
              const doc = await putUserPolicy(open.userId, rules, etag);
              toast.success(`Override for ${open.userId} saved.`);
              setOpen({ userId: open.userId, doc });
              await list.reload();
            }}
            onDelete={
              open.doc
                ? async () => {
                    await deleteUserPolicy(open.userId, open.doc?.etag);
                    toast.success(`Override for ${open.userId} deleted; the defaults apply again.`);
                    setOpen(null);
                    await list.reload();
                  }
                : undefined
            }
          />
        </div>
      )}
    </section>
  );
}

function AdminPolicies() {
  const defaults = useResource((signal) => getDefaultPolicy(signal), []);
  if (defaults.error instanceof ApiError && defaults.error.status === 403) {
    return (
      <p className="muted" data-testid="limits-not-admin">
        Default policies and per-user overrides are managed by admins.
      </p>
    );
  }
  if (!defaults.data) return <ProblemMessage error={defaults.error} />;
  return (
    <>
      <DefaultPolicy doc={defaults.data} onChanged={defaults.reload} />
      <UserOverrides defaults={defaults.data.policy.policies} />
    </>
  );
}

export function RateLimitsPage() {
  return (
    <div className="page">
      <MyLimits />
      <AdminPolicies />
    </div>
  );
}
