-- Who follows an operation (an SSE stream, a request waiting for a preview) is woken when it has
-- a new event or a new status, instead of polling: one notification on operation_changes (OPERATION_CHANNEL in schema.ts), its
-- payload the operation's id.
CREATE OR REPLACE FUNCTION notify_operation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'operations' THEN
    PERFORM pg_notify('operation_changes', NEW.id::text);
  ELSE
    PERFORM pg_notify('operation_changes', NEW.operation_id::text);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER operation_events_notify AFTER INSERT ON operation_events
  FOR EACH ROW EXECUTE FUNCTION notify_operation();
--> statement-breakpoint
CREATE TRIGGER operations_status_notify AFTER UPDATE OF status ON operations
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION notify_operation();
