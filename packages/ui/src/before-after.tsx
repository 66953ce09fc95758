/** An audited change, folded: the record's state before and after, as JSON. */
export function BeforeAfter({ before, after }: { before: unknown; after: unknown }) {
  return (
    <details>
      <summary>before / after</summary>
      <pre>{JSON.stringify({ before, after }, null, 2)}</pre>
    </details>
  );
}
