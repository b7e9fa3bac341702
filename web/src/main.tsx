// Browser entry point: takes a `#token=` sign-in fragment, then mounts <App /> and loads the global stylesheet.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { consumeSignInFragment } from "./signin";
import "./styles.css";

consumeSignInFragment();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
