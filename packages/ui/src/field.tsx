import type { InputHTMLAttributes } from "react";

/** A labelled input with its error underneath, tied together for screen readers. */
export function Field({
  label,
  name,
  error,
  ...input
}: { label: string; name: string; error?: string | undefined } & InputHTMLAttributes<HTMLInputElement>) {
  // Pass an id when a page holds several forms with the same fields.
  const id = input.id ?? `field-${name}`;
  return (
    <div className="ui-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...input}
      />
      {error ? (
        <p id={`${id}-error`} className="ui-field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
