"use client";

import {
  type TicketCategory,
  type TicketPriority,
  type TicketStatus,
  ticketCategories,
  ticketPriorities,
} from "@dotmac/contracts/helpdesk-values";
import type { FieldErrors } from "@dotmac/ui";
import { answer, choice, Field, JsonForm, SelectField, text } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { ispOps } from "./api.ts";

export interface Assignee {
  readonly id: string;
  readonly displayName: string;
}

const assigneeOptions = (staff: readonly Assignee[]) => [
  ["", "nobody"] as const,
  ...staff.map((s) => [s.id, s.displayName] as const),
];

/** Staff open a ticket for a subscriber (a call, a visit); it goes to its page once opened. */
export function TicketCreateForm({
  subscriberId,
  staff,
}: {
  subscriberId: string;
  staff: readonly Assignee[];
}) {
  const router = useRouter();
  return (
    <JsonForm
      send={(json) => answer(ispOps.tickets.$post({ json }))}
      toJson={(d: FormData) => ({
        subscriberId,
        subject: text(d, "subject"),
        category: choice<TicketCategory>(d, "category"),
        priority: choice<TicketPriority>(d, "priority"),
        body: text(d, "body"),
        assigneeId: text(d, "assigneeId") || null,
      })}
      submit="Open ticket"
      done={(t) => `Ticket #${t.number} opened.`}
      onSuccess={(t) => router.push(`/dashboard/helpdesk/${t.id}`)}
    >
      {(errors: FieldErrors) => (
        <>
          <Field label="Subject" name="subject" required maxLength={200} error={errors.subject} />
          <SelectField label="Category" name="category" options={ticketCategories} error={errors.category} />
          <SelectField
            label="Priority"
            name="priority"
            options={ticketPriorities}
            defaultValue="normal"
            error={errors.priority}
          />
          <SelectField
            label="Assign to"
            name="assigneeId"
            options={assigneeOptions(staff)}
            error={errors.assigneeId}
          />
          <div className="ui-field">
            <label htmlFor="field-body">What the subscriber reported (they receive it by e-mail)</label>
            <textarea id="field-body" name="body" rows={5} required />
            {errors.body ? <p className="ui-field-error">{errors.body}</p> : null}
          </div>
        </>
      )}
    </JsonForm>
  );
}

/** A public reply or an internal note, and where the ticket goes with it. */
export function TicketReplyForm({ id, moves }: { id: string; moves: readonly TicketStatus[] }) {
  return (
    <JsonForm
      send={(json) => answer(ispOps.tickets[":id"].messages.$post({ param: { id }, json }))}
      toJson={(d: FormData) => ({
        body: text(d, "body"),
        internal: d.get("internal") === "on",
        ...(text(d, "status") ? { status: choice<TicketStatus>(d, "status") } : {}),
      })}
      submit="Send"
      done={(m) => `Added; the ticket is ${m.status}.`}
    >
      {(errors: FieldErrors) => (
        <>
          <h3>Reply</h3>
          <div className="ui-field">
            <label htmlFor="field-reply">Message</label>
            <textarea id="field-reply" name="body" rows={5} required />
            {errors.body ? <p className="ui-field-error">{errors.body}</p> : null}
          </div>
          <div className="ui-field">
            <label>
              <input type="checkbox" name="internal" /> Internal note (staff only, never sent to the
              subscriber)
            </label>
          </div>
          <SelectField
            label="Then"
            name="status"
            id="field-reply-status"
            options={[["", "leave the status"], ...moves.map((s) => [s, `set ${s}`] as const)]}
            error={errors.status}
          />
        </>
      )}
    </JsonForm>
  );
}

/** Status, priority, category and assignee of a ticket, as they are now. */
export function TicketUpdateForm({
  id,
  status,
  moves,
  priority,
  category,
  assigneeId,
  staff,
}: {
  id: string;
  status: TicketStatus;
  moves: readonly TicketStatus[];
  priority: TicketPriority;
  category: TicketCategory;
  assigneeId: string | null;
  staff: readonly Assignee[];
}) {
  return (
    <JsonForm
      send={(json) => answer(ispOps.tickets[":id"].$patch({ param: { id }, json }))}
      // Only what this staff member changed: another's change since the page loaded stands.
      toJson={(d: FormData) => {
        const to = {
          status: choice<TicketStatus>(d, "status"),
          priority: choice<TicketPriority>(d, "priority"),
          category: choice<TicketCategory>(d, "category"),
          assigneeId: text(d, "assigneeId") || null,
        };
        return {
          ...(to.status !== status ? { status: to.status } : {}),
          ...(to.priority !== priority ? { priority: to.priority } : {}),
          ...(to.category !== category ? { category: to.category } : {}),
          ...(to.assigneeId !== assigneeId ? { assigneeId: to.assigneeId } : {}),
        };
      }}
      submit="Save"
      done="Saved."
      reset={false}
    >
      {(errors: FieldErrors) => (
        <>
          <h3>Change</h3>
          <SelectField
            label="Status"
            name="status"
            options={[status, ...moves]}
            defaultValue={status}
            error={errors.status}
          />
          <SelectField
            label="Priority"
            name="priority"
            options={ticketPriorities}
            defaultValue={priority}
            error={errors.priority}
          />
          <SelectField
            label="Category"
            name="category"
            options={ticketCategories}
            defaultValue={category}
            error={errors.category}
          />
          <SelectField
            label="Assignee"
            name="assigneeId"
            options={assigneeOptions(staff)}
            defaultValue={assigneeId ?? ""}
            error={errors.assigneeId}
          />
        </>
      )}
    </JsonForm>
  );
}

/** One priority's SLA targets, in hours. */
export function SlaPolicyForm({
  priority,
  firstResponseMinutes,
  resolutionMinutes,
}: {
  priority: TicketPriority;
  firstResponseMinutes: number;
  resolutionMinutes: number;
}) {
  const minutes = (d: FormData, name: string) => Math.round(Number(text(d, name)) * 60);
  return (
    <JsonForm
      className="toolbar"
      send={(json) => answer(ispOps.helpdesk.sla[":priority"].$put({ param: { priority }, json }))}
      toJson={(d: FormData) => ({
        firstResponseMinutes: minutes(d, "first"),
        resolutionMinutes: minutes(d, "resolution"),
      })}
      submit={`Save ${priority}`}
      done="Saved."
      reset={false}
    >
      {(errors: FieldErrors) => (
        <>
          <strong>{priority}</strong>
          <Field
            id={`sla-${priority}-first`}
            label="First response (hours)"
            name="first"
            type="number"
            min="0.1"
            step="any"
            defaultValue={firstResponseMinutes / 60}
            error={errors.firstResponseMinutes}
          />
          <Field
            id={`sla-${priority}-resolution`}
            label="Resolution (hours)"
            name="resolution"
            type="number"
            min="0.1"
            step="any"
            defaultValue={resolutionMinutes / 60}
            error={errors.resolutionMinutes}
          />
        </>
      )}
    </JsonForm>
  );
}
