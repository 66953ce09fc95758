/** RADIUS attributes as staff type them, one `Name = value` a line (lines without both are dropped). */
export const parseAttributeLines = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split("\n")
      .map((line) => {
        const at = line.indexOf("=");
        return at < 0 ? ["", ""] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
      })
      .filter(([name, value]) => name && value),
  );
