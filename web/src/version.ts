// The app version, injected from package.json at build time (vite `define`).
export const APP_VERSION: string = typeof __APP_VERSION__ === "string" ? __APP_VERSION__ : "dev";
