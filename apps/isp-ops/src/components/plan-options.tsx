/** A plan picker's options: the empty choice (`none`: "any", "no plan yet"), then each plan. */
export function PlanOptions({
  plans,
  none,
}: {
  plans: readonly { id: string; name: string }[];
  none: string;
}) {
  return (
    <>
      <option value="">{none}</option>
      {plans.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
        </option>
      ))}
    </>
  );
}
