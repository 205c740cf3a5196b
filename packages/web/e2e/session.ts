import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { launchChromium } from './browser.js';
import { startColloquy, type RunningServer } from './server.js';

export interface BrowserSession {
  /** The built server, on a fresh database of this test file's own. */
  readonly server: RunningServer;
  /** A fresh browser context for each test, closed after it. */
  readonly context: BrowserContext;
  readonly page: Page;
}

/**
 * Registers the hooks every browser test file needs: Chromium and a server
 * for the file, a new context and page for each test (skipped, with the
 * reason printed, where no Chromium is installed outside CI).
 */
export function useBrowserSession(): BrowserSession {
  let browser: Browser | null = null;
  const state = {} as { server: RunningServer; context: BrowserContext; page: Page };

  beforeAll(async () => {
    browser = await launchChromium();
    if (browser) state.server = await startColloquy();
  });

  afterAll(async () => {
    await browser?.close();
    await state.server?.stop();
  });

  beforeEach(async (ctx) => {
    if (!browser) return ctx.skip();
    state.context = await browser.newContext();
    state.page = await state.context.newPage();
    return async () => {
      await state.context.close();
    };
  });

  return state;
}
