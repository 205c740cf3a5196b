import axe from 'axe-core';
import type { BrowserContext, Page } from 'playwright-core';

/** One rule's failures, as much as a failed assertion needs to say. */
export interface AxeViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  nodes: { target: string; html: string; summary: string }[];
}

declare global {
  interface Window {
    axe?: typeof axe;
  }
}

/** Runs axe-core (its default rule set) on the page's document as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // page.evaluate, not addScriptTag: the page under audit may forbid scripts
  // (see axeViolationsWithoutJavaScript), and DevTools evaluation is not a page script.
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axe.source);
  return page.evaluate(async () => {
    const results = await window.axe!.run(document);
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(' '),
        html: n.html.slice(0, 200),
        summary: n.failureSummary ?? '',
      })),
    }));
  });
}

/** One line per failing element, for an assertion message that says what to fix. */
export function describeViolations(violations: readonly AxeViolation[]): string[] {
  return violations.flatMap((v) =>
    v.nodes.map(
      (n) => `${v.id} (${v.impact}) ${n.target}: ${v.help} — ${n.summary.replace(/\s+/g, ' ')}`,
    ),
  );
}

/**
 * Audits what a reader without JavaScript has: the document of `page` (a
 * context with `javaScriptEnabled: false`), loaded at its own address in a
 * page of `scriptable`, a context with JavaScript on, under
 * `Content-Security-Policy: script-src 'none'` so none of the page's scripts
 * run: no hydration, nothing the app would change.
 *
 * Why not audit `page` itself: with JavaScript off, page.evaluate still runs
 * (DevTools evaluation) but timers never fire, so axe.run never settles; and
 * addScriptTag inserts a script that never executes. The document is taken
 * from the page, not fetched again, so a page that a form post answered
 * (a 422 with errors, the page after a 303) is audited exactly as shown; its
 * stylesheets load from the server as usual, for the colour checks.
 */
export async function axeViolationsWithoutJavaScript(
  page: Page,
  scriptable: BrowserContext,
): Promise<AxeViolation[]> {
  const html = await page.content();
  const address = new URL(page.url());
  const documentUrl = new URL(address);
  documentUrl.hash = '';
  const copy = await scriptable.newPage();
  try {
    await copy.route(
      (url) => url.href === documentUrl.href,
      (route) =>
        route.fulfill({
          status: 200,
          contentType: 'text/html; charset=utf-8',
          headers: { 'content-security-policy': "script-src 'none'" },
          body: html,
        }),
    );
    await copy.goto(address.href, { waitUntil: 'load' });
    // Nothing ran (Vue's runtime marks the window as soon as it loads), and
    // the doctype came along (no quirks mode to change the layout audited).
    const copied = await copy.evaluate(() => ({
      ran: '__VUE__' in window,
      mode: document.compatMode,
    }));
    if (copied.ran) throw new Error('a script ran in the scriptless copy of the page');
    if (copied.mode !== 'CSS1Compat') throw new Error(`the copy is in ${copied.mode} mode`);
    return await axeViolations(copy);
  } finally {
    await copy.close();
  }
}
