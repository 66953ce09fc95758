"use client";

export interface FieldErrors {
  [path: string]: string;
}

/** Calls the isp-ops API from the browser; a problem+json answer becomes a message and field errors. */
export async function callApi(
  path: string,
  init: { method?: string; json?: unknown } = {},
): Promise<{ ok: true; body: any } | { ok: false; message: string; fields: FieldErrors }> {
  const res = await fetch(`/api/v1${path}`, {
    method: init.method ?? "GET",
    headers: init.json !== undefined ? { "content-type": "application/json" } : {},
    body: init.json !== undefined ? JSON.stringify(init.json) : null,
  });
  const text = await res.text();
  const body = text ? JSON.parse(text) : null;
  if (res.ok) return { ok: true, body };
  const fields: FieldErrors = {};
  for (const e of body?.errors ?? []) fields[e.path] = e.message;
  return { ok: false, message: body?.detail ?? body?.title ?? `HTTP ${res.status}`, fields };
}
