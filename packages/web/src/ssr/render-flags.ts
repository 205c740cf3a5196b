import { useSSRContext } from 'vue';

/** What a server render learned about the page, beyond its markup. */
export interface RenderFlags {
  /** The page shows "Page not found" (HTTP 404). */
  notFound?: boolean;
  /** The page's data could not be read (HTTP 503). */
  failed?: boolean;
  /** The address asks for something the API refuses, e.g. a made-up page cursor (HTTP 400). */
  badRequest?: boolean;
}

/** Called in a component's setup: records a flag when rendering on the server; nothing in the browser. */
export function flagRender(flag: keyof RenderFlags): void {
  if (!import.meta.env.SSR) return;
  const context = useSSRContext<RenderFlags>();
  if (context) context[flag] = true;
}
