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

/** A labelled select of an enum's values (or value and label pairs), with the API's error for it. */
export function SelectField({
  label,
  name,
  options,
  defaultValue,
  error,
  id = `field-${name}`,
}: {
  label: string;
  name: string;
  options: readonly (string | readonly [value: string, label: string])[];
  defaultValue?: string;
  error?: string | undefined;
  id?: string;
}) {
  return (
    <div className="ui-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={defaultValue} aria-invalid={error ? true : undefined}>
        {options.map((o) => {
          const [value, shown] = typeof o === "string" ? [o, o] : o;
          return (
            <option key={value} value={value}>
              {shown}
            </option>
          );
        })}
      </select>
      {error ? (
        <p className="ui-field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
