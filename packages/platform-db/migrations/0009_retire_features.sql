-- The plan features smsNotifications and advancedAnalytics switched nothing on and left the
-- contract: specs that listed them (a tenant's, and those operations carry to their runs, whole or
-- as a change) keep their other features, so they still parse.
UPDATE tenants SET spec = jsonb_set(spec, '{features}', (SELECT coalesce(jsonb_agg(f), '[]'::jsonb) FROM jsonb_array_elements(spec->'features') AS f
    WHERE f NOT IN ('"smsNotifications"', '"advancedAnalytics"')))
  WHERE jsonb_typeof(spec->'features') = 'array';
--> statement-breakpoint
UPDATE operations SET request = jsonb_set(request, '{spec,features}', (SELECT coalesce(jsonb_agg(f), '[]'::jsonb) FROM jsonb_array_elements(request->'spec'->'features') AS f
    WHERE f NOT IN ('"smsNotifications"', '"advancedAnalytics"')))
  WHERE jsonb_typeof(request->'spec'->'features') = 'array';
--> statement-breakpoint
UPDATE operations SET request = jsonb_set(request, '{change,features}', (SELECT coalesce(jsonb_agg(f), '[]'::jsonb) FROM jsonb_array_elements(request->'change'->'features') AS f
    WHERE f NOT IN ('"smsNotifications"', '"advancedAnalytics"')))
  WHERE jsonb_typeof(request->'change'->'features') = 'array';
