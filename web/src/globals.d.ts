// Compile-time constants that vite.config.ts defines.
declare const __APP_VERSION__: string;
