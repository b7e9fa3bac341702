// Catalog endpoints (GET /regions, /sizes?region=, /images), cached per session because the catalog is static.
import { query, request } from "./client";

export interface Region {
  slug: string;
  name: string;
  available: boolean;
  features: string[];
  /** Size slugs offered in this region. */
  sizes: string[];
}

export interface Size {
  slug: string;
  vcpus: number;
  memory_mb: number;
  disk_gb: number;
  transfer: number;
  /** Decimal strings, never floats (api.md §2 "Money"). */
  price_monthly: string;
  price_hourly: string;
  currency: string;
  regions: string[];
  available: boolean;
  description: string;
}

export interface Image {
  slug: string;
  distribution: string;
  name: string;
}

const cache = new Map<string, Promise<unknown>>();

/** One request per key for the whole session; a failure is forgotten so the next call retries. */
function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key) as Promise<T> | undefined;
  if (hit) return hit;
  const p = load();
  cache.set(key, p);
  p.catch(() => cache.delete(key));
  return p;
}

/** Drops every cached answer (tests, token change). */
export function clearCatalogCache(): void {
  cache.clear();
}

export function listRegions(): Promise<Region[]> {
  return cached("regions", async () => (await request<{ regions?: Region[] }>("/api/v1/regions")).data?.regions ?? []);
}

/** Sizes offered in `region` (every size when no region is given). */
export function listSizes(region?: string): Promise<Size[]> {
  return cached(`sizes:${region ?? ""}`, async () => (await request<{ sizes?: Size[] }>(`/api/v1/sizes${query({ region })}`)).data?.sizes ?? []);
}

export function listImages(): Promise<Image[]> {
  return cached("images", async () => (await request<{ images?: Image[] }>("/api/v1/images")).data?.images ?? []);
}

/** "$6.00/mo · 1 vCPU · 1 GB · 25 GB" (price first, so a narrow select still shows it). */
export function describeSize(s: Size): string {
  const mem = s.memory_mb >= 1024 ? `${+(s.memory_mb / 1024).toFixed(1)} GB` : `${s.memory_mb} MB`;
  return `${formatPrice(s.price_monthly, s.currency)}/mo · ${s.vcpus} vCPU · ${mem} · ${s.disk_gb} GB`;
}

/** `"6.00"`, `"USD"` → `$6.00`; other currencies get their code. */
export function formatPrice(amount: string, currency = "USD"): string {
  return currency === "USD" ? `$${amount}` : `${amount} ${currency}`;
}
