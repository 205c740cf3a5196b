import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// Two builds of one app (see `pnpm build`): the browser's (dist/client, which
// the API serves) and the server renderer's (dist/server/entry-server.js,
// which the API imports). In development the API runs Vite in middleware
// mode instead, with hot reload (packages/api/src/web/renderer.ts).
export default defineConfig({
  plugins: [vue()],
  define: {
    // Production builds leave out Apollo Client's and Vue's development-only
    // code (messages, devtools hooks, the Options API we do not use).
    ...(process.env.NODE_ENV === 'test' ? {} : { 'globalThis.__DEV__': 'false' }),
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  build: {
    outDir: 'dist/client',
    emptyOutDir: true,
    // Every browser Colloquy supports has <link rel="modulepreload">.
    modulePreload: { polyfill: false },
    // One stylesheet, linked from the page: the server's HTML needs all of
    // its styles without JavaScript, lazily loaded chunks' included.
    cssCodeSplit: false,
    // dist/client/.vite/manifest.json: which chunks a page loads (the bundle budget test reads it).
    manifest: true,
  },
});
