/** A LIKE pattern's wildcards, escaped, for a search term typed by a user. */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);
