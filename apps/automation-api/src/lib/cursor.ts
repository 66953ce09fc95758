/**
 * An opaque keyset cursor: the sort key and id of the last row of a page. The timestamp is kept
 * as Postgres printed it (microseconds), so rows created within one millisecond are not skipped.
 */
export function encodeCursor(at: string, id: string | number): string {
  return Buffer.from(JSON.stringify([at, id])).toString("base64url");
}

export function decodeCursor(cursor: string): { at: string; id: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString());
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [at, id] = value.map(String) as [string, string];
    if (Number.isNaN(new Date(at).getTime())) return undefined;
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    return { at, id };
  } catch {
    return undefined;
  }
}
