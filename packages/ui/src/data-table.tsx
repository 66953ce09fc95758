import Link from "next/link";
import type { ReactNode } from "react";

export interface Column<T> {
  readonly label: string;
  readonly cell: (row: T) => ReactNode;
  /** What the column sorts by; a column without it cannot be sorted. */
  readonly sortBy?: (row: T) => string | number;
}

export type SortDirection = "asc" | "desc";

/**
 * A table of rows from a server page, without client code: an empty state when there are none,
 * sortable columns as links (`?sort=<column>&dir=`, for tables that hold every row), and a
 * pager for tables that hold one page of many.
 */
export function DataTable<T>({
  columns,
  rows,
  rowKey,
  empty,
  sort,
  pager,
}: {
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  empty: ReactNode;
  /** The sort the URL asks for (a column's label in lower case), and how to link another. */
  sort?: { column?: string; dir?: SortDirection; href: (column: string, dir: SortDirection) => string };
  pager?: { page: number; pages: number; href: (page: number) => string; summary: ReactNode };
}) {
  const keyOf = (c: Column<T>) => c.label.toLowerCase();
  const by = columns.find((c) => c.sortBy && keyOf(c) === sort?.column);
  const shown = by?.sortBy ? sortRows(rows, by.sortBy, sort?.dir ?? "asc") : rows;
  return (
    <>
      {rows.length === 0 ? (
        <p className="notice">{empty}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              {columns.map((c) => {
                const current = by === c ? (sort?.dir ?? "asc") : undefined;
                const next: SortDirection = current === "asc" ? "desc" : "asc";
                return (
                  <th
                    key={c.label}
                    scope="col"
                    aria-sort={current ? (current === "asc" ? "ascending" : "descending") : undefined}
                  >
                    {c.sortBy && sort ? (
                      <Link href={sort.href(keyOf(c), next)} aria-label={`Sort by ${c.label.toLowerCase()}`}>
                        {c.label}
                        {current ? (current === "asc" ? " ▲" : " ▼") : ""}
                      </Link>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((c) => (
                  <td key={c.label}>{c.cell(row)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pager ? (
        <nav aria-label="Pages" className="toolbar" style={{ marginTop: "1rem" }}>
          {pager.page > 1 ? <Link href={pager.href(pager.page - 1)}>← Previous</Link> : null}
          <span>{pager.summary}</span>
          {pager.page < pager.pages ? <Link href={pager.href(pager.page + 1)}>Next →</Link> : null}
        </nav>
      ) : null}
    </>
  );
}

/** Rows in the order of `key`, numbers by value and text as people read it; the input is left alone. */
export function sortRows<T>(rows: readonly T[], key: (row: T) => string | number, dir: SortDirection): T[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return (
      sign *
      (typeof x === "number" && typeof y === "number"
        ? x - y
        : String(x).localeCompare(String(y), "en", { numeric: true }))
    );
  });
}
