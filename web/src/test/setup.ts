// Vitest setup: unmount rendered components and reset storage, client caches and mocks between tests.
import { cleanup, configure } from "@testing-library/react";
import { afterEach, vi } from "vitest";
import { clearCatalogCache } from "../api/catalog";
import { resetConsistency } from "../api/client";
import { resetRateLimit } from "../api/rateLimitHeaders";
import { forgetRole } from "../api/role";

// Two cores run several test files at once: give findBy*/waitFor more time than the 1 s default.
configure({ asyncUtilTimeout: 4000 });

afterEach(() => {
  cleanup();
  localStorage.clear();
  clearCatalogCache();
  forgetRole();
  resetConsistency();
  resetRateLimit();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});
