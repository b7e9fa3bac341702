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
