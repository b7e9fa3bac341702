// Keyset paging for every list page: the stack of page tokens walked so far, and the
// Previous / Next footer. Tokens are opaque (api.md §3); "Next" exists only while the
// server sends a next_page_token. Holds no data of its own.
import { useState } from "react";

export interface PageTokens {
  /** The token of the page shown (undefined for the first page). */
  token: string | undefined;
  /** 1-based number of the page shown. */
  page: number;
  reset: () => void;
  back: () => void;
  forward: (next: string) => void;
}

export function usePageTokens(): PageTokens {
  const [tokens, setTokens] = useState<string[]>([]);
  return {
    token: tokens[tokens.length - 1],
    page: tokens.length + 1,
    reset: () => setTokens([]),
    back: () => setTokens((t) => t.slice(0, -1)),
    forward: (next) => setTokens((t) => [...t, next]),
  };
}

export function Pager({ pages, next }: { pages: PageTokens; next: string | undefined }) {
  return (
    <footer className="pager">
      <button type="button" disabled={pages.page === 1} onClick={pages.back}>
        Previous
      </button>
      <span>Page {pages.page}</span>
      <button type="button" disabled={!next} onClick={() => next && pages.forward(next)}>
        Next page
      </button>
    </footer>
  );
}
