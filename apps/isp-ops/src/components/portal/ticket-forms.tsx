"use client";

import { type TicketCategory, ticketCategories } from "@dotmac/contracts/helpdesk-values";
import { answer, choice, Field, JsonForm, SelectField, text } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { ispOps } from "../api.ts";

const topics: Record<TicketCategory, string> = {
  connectivity: "No connection or it drops",
  speed: "Slow",
  billing: "Bills and payments",
  installation: "Installation",
  equipment: "Router or other equipment",
  account: "My account",
  other: "Something else",
};

/** A subscriber asks for help; they go to the new ticket's page. */
export function TicketOpenForm() {
  const router = useRouter();
  return (
    <JsonForm
      send={(json) => answer(ispOps.portal.tickets.$post({ json }))}
      toJson={(d: FormData) => ({
        subject: text(d, "subject"),
        category: choice<TicketCategory>(d, "category"),
        body: text(d, "body"),
      })}
      submit="Send"
      done={(t) => `Ticket #${t.number} opened.`}
      onSuccess={(t) => router.push(`/portal/tickets/${t.id}`)}
    >
      {(errors) => (
        <>
          <h2>Ask for help</h2>
          <SelectField
            label="About"
            name="category"
            options={ticketCategories.map((c) => [c, topics[c]] as const)}
            error={errors.category}
          />
          <Field label="Subject" name="subject" required maxLength={200} error={errors.subject} />
          <div className="ui-field">
            <label htmlFor="field-body">What happened?</label>
            <textarea id="field-body" name="body" rows={5} required />
            {errors.body ? <p className="ui-field-error">{errors.body}</p> : null}
          </div>
        </>
      )}
    </JsonForm>
  );
}

export function TicketReplyForm({ id }: { id: string }) {
  return (
    <JsonForm
      send={(json) => answer(ispOps.portal.tickets[":id"].messages.$post({ param: { id }, json }))}
      toJson={(d: FormData) => ({ body: text(d, "body") })}
      submit="Send reply"
      done="Sent."
    >
      {(errors) => (
        <div className="ui-field">
          <label htmlFor="field-reply">Your reply</label>
          <textarea id="field-reply" name="body" rows={4} required />
          {errors.body ? <p className="ui-field-error">{errors.body}</p> : null}
        </div>
      )}
    </JsonForm>
  );
}
