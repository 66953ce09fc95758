"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/** Uploads a CSV of subscribers; the whole file goes in or nothing does, with a report per line. */
export function CsvImport() {
  const router = useRouter();
  const [message, setMessage] = useState("");
  const [problems, setProblems] = useState<{ path: string; message: string }[]>([]);
  return (
    <form
      className="card"
      onSubmit={async (e) => {
        e.preventDefault();
        const file = new FormData(e.currentTarget).get("file");
        if (!(file instanceof File) || file.size === 0) return setMessage("Choose a CSV file first.");
        const res = await fetch("/api/v1/subscribers/import", {
          method: "POST",
          headers: { "content-type": "text/csv" },
          body: await file.text(),
        });
        const body = await res.json();
        setProblems(res.ok ? [] : (body.errors ?? []));
        setMessage(res.ok ? `Imported ${body.imported} subscribers.` : body.detail);
        if (res.ok) router.refresh();
      }}
    >
      <h3>Import subscribers from CSV</h3>
      <p>
        Columns: name, serviceAddress, username, password (required); email, phone, plan (by name), staticIp.
      </p>
      <label>
        CSV file <input type="file" name="file" accept=".csv,text/csv" />
      </label>{" "}
      <button type="submit">Import</button>
      <p role="status">{message}</p>
      {problems.length > 0 ? (
        <ul className="error">
          {problems.slice(0, 200).map((p) => (
            <li key={`${p.path}-${p.message}`}>
              {p.path}: {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}
