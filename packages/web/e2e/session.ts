import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { launchChromium } from './browser.js';
import { startColloquy, type RunningServer } from './server.js';

export interface BrowserSession {
  /** The built server, on a fresh database of this test file's own. */
  readonly server: RunningServer;
  /** A fresh browser context for each test, closed after it. */
  readonly context: BrowserContext;
  readonly page: Page;
  /**
   * Another context in the same test (a second visitor, or JavaScript on
   * where the session has it off), closed with the test's own. Takes the
   * session's options unless told otherwise.
   */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

export interface BrowserSessionOptions {
  /** False: every context is a reader without JavaScript (the server's HTML and forms only). */
  javaScriptEnabled?: boolean;
  /** Extra environment for the server (e.g. COLLOQUY_TEST_ALLOW_LOOPBACK_FETCH). */
  serverEnv?: Record<string, string>;
}

/**
 * Registers the hooks every browser test file needs: Chromium and a server
 * for the file, a new context and page for each test (skipped, with the
 * reason printed, where no Chromium is installed outside CI).
 */
export function useBrowserSession(options: BrowserSessionOptions = {}): BrowserSession {
  let browser: Browser | null = null;
  const contextOptions: BrowserContextOptions = {
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  };
  let opened: BrowserContext[] = [];
  const state = {
    async newContext(extra: BrowserContextOptions = {}) {
      if (!browser) throw new Error('no browser: the test should have been skipped');
      const context = await browser.newContext({ ...contextOptions, ...extra });
      opened.push(context);
      return context;
    },
  } as BrowserSession & { server: RunningServer; context: BrowserContext; page: Page };

  beforeAll(async () => {
    browser = await launchChromium();
    if (browser) state.server = await startColloquy(options.serverEnv);
  });

  afterAll(async () => {
    await browser?.close();
    await state.server?.stop();
  });

  beforeEach(async (ctx) => {
    if (!browser) return ctx.skip();
    state.context = await state.newContext();
    state.page = await state.context.newPage();
    return async () => {
      const contexts = opened;
      opened = [];
      await Promise.all(contexts.map((context) => context.close()));
    };
  });

  return state;
}
