export interface BarDatum {
  readonly label: string;
  readonly value: number;
}

/**
 * A small SVG bar chart rendered on the server (no chart library in the bundle). The numbers are
 * also in a visually hidden table for screen readers.
 */
export function BarChart({
  title,
  data,
  unit = "",
}: {
  title: string;
  data: readonly BarDatum[];
  unit?: string;
}) {
  const max = Math.max(1, ...data.map((d) => d.value));
  const width = 32 * data.length;
  return (
    <figure className="ui-chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} 120`} role="img" aria-label={title} preserveAspectRatio="none">
        {data.map((d, i) => {
          const h = Math.round((d.value / max) * 100);
          return (
            <rect key={d.label} x={i * 32 + 4} y={110 - h} width={24} height={Math.max(h, 1)} rx={3}>
              <title>{`${d.label}: ${d.value.toLocaleString("en")}${unit}`}</title>
            </rect>
          );
        })}
      </svg>
      <table className="ui-sr-only">
        <tbody>
          {data.map((d) => (
            <tr key={d.label}>
              <th scope="row">{d.label}</th>
              <td>
                {d.value}
                {unit}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
