import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The API serves /graphql; in development Vite forwards to it so the SPA can
// use the same relative URL as in production (one origin, no CORS).
const apiTarget = process.env.COLLOQUY_API ?? 'http://127.0.0.1:4000';
const proxy = { '/graphql': { target: apiTarget, changeOrigin: true } };

export default defineConfig({
  plugins: [vue()],
  server: { proxy },
  preview: { proxy },
  build: { outDir: 'dist', emptyOutDir: true },
});
