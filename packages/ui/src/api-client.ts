import type { Problem } from "@dotmac/contracts";

/** Field errors of a problem+json answer, by the field's path. */
export interface FieldErrors {
  [path: string]: string;
}

/** An API's answer as pages, forms and buttons use it: the body, or the problem's message and field errors. */
export type ApiResult<T = unknown> =
  | { ok: true; status: number; body: T }
  | { ok: false; status: number; message: string; fields: FieldErrors; problem: Problem | null };

/** The body types of a typed client's 2xx answers (hono's ClientResponse is a union by status). */
export type SuccessBody<R> = R extends { ok: true; json(): Promise<infer T> } ? T : never;

const parsed = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
};

/** Reads a typed client's answer once: a 2xx's body, or its problem+json as a message and field errors. */
export async function answer<R extends { ok: boolean; status: number; text(): Promise<string> }>(
  call: Promise<R>,
): Promise<ApiResult<SuccessBody<R>>> {
  const res = await call;
  const body = parsed(await res.text());
  if (res.ok) return { ok: true, status: res.status, body: body as SuccessBody<R> };
  const problem = body && typeof body === "object" ? (body as Problem) : null;
  const fields: FieldErrors = {};
  for (const e of problem?.errors ?? []) fields[e.path] = e.message;
  return {
    ok: false,
    status: res.status,
    message: problem?.detail ?? problem?.title ?? `HTTP ${res.status}`,
    fields,
    problem,
  };
}
