/** Rows carry Date objects; responses carry ISO strings (what the contracts' schemas promise). */
export const iso = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);
