"use client";

import { type ReactNode, useState } from "react";
import type { ApiResult, FieldErrors } from "./api-client.ts";

export interface ApiFormProps<In, Out> {
  /** The typed client's call, read with `answer()`. */
  send: (json: In) => Promise<ApiResult<Out>>;
  /**
   * The body from the fields. Write its parameter's type (`(d: FormData) => …`): TypeScript then
   * reads `In` from it before it types `send`'s argument, whatever order the props come in.
   */
  toJson: (data: FormData) => In;
  submit: string;
  done: string | ((body: Out) => string);
  onSuccess?: (body: Out) => void;
  className?: string;
  /** Clear the fields after a success (not for an edit form showing what was saved). */
  reset?: boolean;
  children: (errors: FieldErrors) => ReactNode;
}

/**
 * A form whose fields go to the API as JSON; the server's field errors are shown by the fields
 * (children get them by name), and `onSuccess` runs with the answer (refresh the page, say).
 */
export function ApiForm<In, Out>({
  send,
  toJson,
  submit,
  done,
  onSuccess,
  className = "card",
  reset = true,
  children,
}: ApiFormProps<In, Out>) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState("");
  return (
    <form
      className={className}
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const res = await send(toJson(new FormData(form)));
        if (res.ok) {
          if (reset) form.reset();
          setErrors({});
          setMessage(typeof done === "function" ? done(res.body) : done);
          onSuccess?.(res.body);
        } else {
          setErrors(res.fields);
          setMessage(res.message);
        }
      }}
    >
      {children(errors)}
      <p role="status">{message}</p>
      <button type="submit">{submit}</button>
    </form>
  );
}
