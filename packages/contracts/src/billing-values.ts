// No zod here: isp-ops's browser forms offer these values; billing.ts makes its enums of them.

/**
 * What dunning does as an invoice ages: remind and notify (mail), move the subscriber's sessions
 * into the walled garden (RADIUS accepts with the tenant's walled-garden attributes, live sessions
 * get a CoA-Request), suspend (RADIUS refuses, live sessions get a Disconnect-Request), terminate.
 */
export const dunningActions = ["reminder", "notice", "walled_garden", "suspend", "terminate"] as const;
