const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a path's id can name a row at all (anything else is a 404, as an unknown id is). */
export const isUuid = (id: string) => uuid.test(id);
