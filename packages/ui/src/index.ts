export { type ApiResult, apiCaller, type CallApi, type FieldErrors } from "./api-client.ts";
export { ApiForm } from "./api-form.tsx";
export { BarChart, type BarDatum } from "./bar-chart.tsx";
export { Field } from "./field.tsx";
export { JsonForm, SignOut } from "./navigation.tsx";
export { SignInForm } from "./sign-in-form.tsx";
export { StatCard } from "./stat-card.tsx";
export { StatusBadge } from "./status-badge.tsx";
export { formatTime } from "./time.ts";
