// Sign-in link: `…/#token=<token>` stores the token (localStorage) and strips the fragment with history.replaceState.
import { setToken } from "./api/client";

/** Returns true when the URL carried a token; the fragment is then removed from the address bar. */
export function consumeSignInFragment(loc: Location = window.location, hist: History = window.history): boolean {
  const hash = loc.hash.replace(/^#/, "");
  if (!hash) return false;
  const params = new URLSearchParams(hash);
  const token = params.get("token");
  if (token === null) return false;
  if (token.trim()) setToken(token);
  params.delete("token");
  const rest = params.toString();
  hist.replaceState(hist.state, "", `${loc.pathname}${loc.search}${rest ? `#${rest}` : ""}`);
  return token.trim() !== "";
}
