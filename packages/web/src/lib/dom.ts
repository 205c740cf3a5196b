/**
 * Resolves with the element matching `selector` once it exists, or null after
 * `timeoutMs`. Used to scroll to anchors (#comments) that render only after
 * the page's data has loaded.
 */
export function waitForElement(selector: string, timeoutMs = 3000): Promise<Element | null> {
  const find = (): Element | null => {
    try {
      return document.querySelector(selector);
    } catch {
      return null; // not a valid selector, e.g. a hash with odd characters
    }
  };
  const existing = find();
  if (existing) return Promise.resolve(existing);
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      const element = find();
      if (element) finish(element);
    });
    const timer = setTimeout(() => finish(null), timeoutMs);
    function finish(element: Element | null): void {
      observer.disconnect();
      clearTimeout(timer);
      resolve(element);
    }
    observer.observe(document.body, { childList: true, subtree: true });
  });
}
