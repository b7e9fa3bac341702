// Catalog hooks: regions and images once per session, sizes per region (all from the API, never hard-coded).
import { listImages, listRegions, listSizes, type Image, type Region, type Size } from "../api/catalog";
import { useResource } from "./useResource";

export interface Catalog {
  regions: Region[];
  images: Image[];
  error: unknown;
  loading: boolean;
}

export function useCatalog(): Catalog {
  const regions = useResource(() => listRegions(), []);
  const images = useResource(() => listImages(), []);
  return {
    regions: regions.data ?? [],
    images: images.data ?? [],
    error: regions.error || images.error,
    loading: regions.loading || images.loading,
  };
}

/** Sizes offered in `region`; empty while loading or without a region. */
export function useSizes(region: string): { sizes: Size[]; error: unknown; loading: boolean } {
  const res = useResource(() => listSizes(region), [region], { enabled: region !== "" });
  return { sizes: region ? (res.data ?? []) : [], error: res.error, loading: res.loading };
}
