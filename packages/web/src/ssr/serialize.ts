/**
 * JSON that is safe inside a <script> element: no `</script>` can end it and
 * no `<!--` can switch the HTML parser into its escaped-script state, because
 * every `<` (and `>`, `&`) is written as a \u escape, which JSON.parse reads
 * back unchanged. U+2028 and U+2029 are escaped too, for readers that treat
 * the text as JavaScript.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => {
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
