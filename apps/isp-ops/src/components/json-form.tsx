"use client";

import { useRouter } from "next/navigation";
import { type ReactNode, useState } from "react";
import { callApi, type FieldErrors } from "./api.ts";

/**
 * A form that posts its fields as JSON to one API route, shows the server's field errors next to
 * the fields (children get them by name) and refreshes the page's data on success.
 */
export function JsonForm({
  path,
  submit,
  toJson,
  children,
  done,
}: {
  path: string;
  submit: string;
  toJson: (data: FormData) => unknown;
  children: (errors: FieldErrors) => ReactNode;
  done: string;
}) {
  const router = useRouter();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState("");
  return (
    <form
      className="card"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const res = await callApi(path, { method: "POST", json: toJson(new FormData(form)) });
        if (res.ok) {
          form.reset();
          setErrors({});
          setMessage(done);
          router.refresh();
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
