-- Every RADIUS replica listens on this channel and reloads its NAS clients at once, so a router
-- staff just added is answered from its first packet instead of after the next periodic reload.
-- Statement-level: an import of many NAS clients is one notification; the payload is empty
-- because a listener reloads everything (and must never see a secret).
CREATE FUNCTION dotmac_notify_nas_clients_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('dotmac_nas_clients', '');
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER nas_clients_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON nas_clients
  FOR EACH STATEMENT EXECUTE FUNCTION dotmac_notify_nas_clients_changed();
