// Small display helpers shared by pages: times, short ids, tag lists.

/** Local date and time, or "—" for a missing value. */
export function formatTime(iso?: string | null): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** First 8 characters of an id, enough to tell rows apart. */
export function shortId(id?: string | null): string {
  return id ? id.slice(0, 8) : "—";
}

/** "a, b ,,c" → ["a", "b", "c"] (duplicates dropped). */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map((t) => t.trim()).filter(Boolean))];
}

/** A duration in seconds as "850 ms", "12 s", "3 min 4 s", "2 h 5 min"; "—" for a missing value. */
export function formatSeconds(s?: number | null): string {
  if (s === undefined || s === null || !Number.isFinite(s)) return "—";
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${Math.round(s * 10) / 10} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = Math.round(s % 60);
    return rest ? `${m} min ${rest} s` : `${m} min`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** Time of day for today's timestamps, the date otherwise (full value in a title); "—" for a missing value. */
export function formatShortTime(iso?: string | null): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleDateString();
}
