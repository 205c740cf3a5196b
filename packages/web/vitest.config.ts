import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: 'happy-dom',
      // Only component tests; browser tests under e2e/ have their own runner.
      include: ['test/**/*.test.ts'],
    },
  }),
);
