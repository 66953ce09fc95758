"use client";

import { apiCaller } from "@dotmac/ui";

export type { FieldErrors } from "@dotmac/ui";

/** This app's API, from the browser (same origin). */
export const callApi = apiCaller("/api/platform/v1");
