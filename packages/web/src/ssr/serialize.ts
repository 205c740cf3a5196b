/**
 * JSON that is safe inside a <script> element: no `</script>` can end it and
 * no `<!--` can switch the HTML parser into its escaped-script state, because
 * every `<` (and `>`, `&`) is written as a \u escape, which JSON.parse reads
 * back unchanged. U+2028 and U+2029 are escaped too, for readers that treat
 * the text as JavaScript. (A native pass per character rather than a
 * callback per match: the page's data holds the post's HTML, so it has many.)
 */
export function scriptSafeJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (!UNSAFE.test(json)) return json;
  return json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const UNSAFE = /[<>&\u2028\u2029]/;
