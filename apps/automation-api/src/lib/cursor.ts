/** An opaque keyset cursor: the sort key and id of the last row of a page. */
export function encodeCursor(at: Date, id: string | number): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString("base64url");
}

export function decodeCursor(cursor: string): { at: Date; id: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString());
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const at = new Date(String(value[0]));
    return Number.isNaN(at.getTime()) ? undefined : { at, id: String(value[1]) };
  } catch {
    return undefined;
  }
}
