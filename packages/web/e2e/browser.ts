import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * The system Chromium, or null (with the reason printed) on a developer
 * machine without one. `args`: extra command-line switches.
 */
export async function launchChromium(args: string[] = []): Promise<Browser | null> {
  const executablePath = CANDIDATES.find((p): p is string => Boolean(p && fs.existsSync(p)));
  if (!executablePath) {
    const reason = 'Chromium not found (apt-get install chromium, or set CHROMIUM_PATH)';
    // CI runs everything: a missing browser fails the run instead of skipping.
    if (process.env.CI) throw new Error(`${reason}: CI cannot skip the browser tests.`);
    console.warn(`\n  Skipping the browser tests: ${reason}.\n`);
    return null;
  }
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...args,
    ],
  });
}
