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

/**
 * Resolves once the server-rendered element with this id comes within
 * `rootMargin` of the viewport, or at once when there is no such element to
 * wait for: on the server, in a page this app rendered itself (after a
 * navigation), or where the element is live already (marked
 * data-interactive). Lets a lazily hydrated section load its code only when
 * a reader gets near it.
 */
export function whenServerElementNearViewport(id: string, rootMargin = '200px'): Promise<void> {
  if (import.meta.env.SSR || typeof IntersectionObserver === 'undefined') return Promise.resolve();
  const element = document.getElementById(id);
  if (!element || element.hasAttribute('data-interactive')) return Promise.resolve();
  return new Promise((resolve) => {
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        observer.disconnect();
        resolve();
      },
      { rootMargin },
    );
    observer.observe(element);
  });
}
