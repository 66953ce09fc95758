/** Field errors of a problem+json answer, by the field's path. */
export interface FieldErrors {
  [path: string]: string;
}

export type ApiResult =
  | { ok: true; status: number; body: any }
  | { ok: false; status: number; message: string; fields: FieldErrors; body: any };

export type CallApi = (path: string, init?: { method?: string; json?: unknown }) => Promise<ApiResult>;

/** A browser-side caller for one API base path: problem+json becomes a message and field errors. */
export function apiCaller(base: string): CallApi {
  return async (path, init = {}) => {
    const res = await fetch(`${base}${path}`, {
      method: init.method ?? "GET",
      headers: init.json !== undefined ? { "content-type": "application/json" } : {},
      body: init.json !== undefined ? JSON.stringify(init.json) : null,
    });
    const text = await res.text();
    const body = text ? JSON.parse(text) : null;
    if (res.ok) return { ok: true, status: res.status, body };
    const fields: FieldErrors = {};
    for (const e of body?.errors ?? []) fields[e.path] = e.message;
    return {
      ok: false,
      status: res.status,
      message: body?.detail ?? body?.title ?? `HTTP ${res.status}`,
      fields,
      body,
    };
  };
}
