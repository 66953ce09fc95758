"use client";

import { Field, JsonForm } from "@dotmac/ui";

export function DeviceForm() {
  return (
    <JsonForm
      apiBase="/api/v1"
      path="/devices"
      submit="Add device"
      done="Device added."
      toJson={(d) => ({
        serial: d.get("serial"),
        model: d.get("model"),
        mac: d.get("mac"),
        genieacsId: d.get("genieacsId"),
        subscriberId: d.get("subscriberId"),
      })}
    >
      {(errors) => (
        <>
          <h3>Add a device</h3>
          <Field label="Serial" name="serial" required error={errors.serial} />
          <Field label="Model" name="model" required error={errors.model} />
          <Field label="MAC" name="mac" placeholder="00:1a:2b:3c:4d:5e" error={errors.mac} />
          <Field label="GenieACS device id" name="genieacsId" error={errors.genieacsId} />
          <Field label="Subscriber id (optional)" name="subscriberId" error={errors.subscriberId} />
        </>
      )}
    </JsonForm>
  );
}
