"use client";

import { answer, Field, JsonForm, text } from "@dotmac/ui";
import { ispOps } from "./api.ts";

export function DeviceForm() {
  return (
    <JsonForm
      send={(json) => answer(ispOps.devices.$post({ json }))}
      submit="Add device"
      done="Device added."
      toJson={(d: FormData) => ({
        serial: text(d, "serial"),
        model: text(d, "model"),
        mac: text(d, "mac"),
        genieacsId: text(d, "genieacsId"),
        subscriberId: text(d, "subscriberId"),
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
