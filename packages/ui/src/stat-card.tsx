export function StatCard({ label, value, hint }: { label: string; value: string | number; hint?: string }) {
  return (
    <section className="ui-stat" aria-label={label}>
      <p className="ui-stat-label">{label}</p>
      <p className="ui-stat-value">{typeof value === "number" ? value.toLocaleString("en") : value}</p>
      {hint ? <p className="ui-stat-hint">{hint}</p> : null}
    </section>
  );
}
