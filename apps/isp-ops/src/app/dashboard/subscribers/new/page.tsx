import { SubscriberForm } from "../../../../components/subscriber-form.tsx";
import { planOptions } from "../../../../server/plans.ts";
import { deps } from "../../../../server/runtime.ts";
import { staffWith } from "../../../../server/session.ts";

export default async function NewSubscriber() {
  await staffWith("customers:write");
  const plans = await planOptions((await deps()).db);
  return (
    <>
      <h2>New subscriber</h2>
      <SubscriberForm plans={plans} />
    </>
  );
}
