"use client";

import { platformClient } from "@dotmac/platform-api/client";

/** This app's API from the browser: same origin, through the app's proxy, the session cookie riding along. */
export const platform = platformClient("");
