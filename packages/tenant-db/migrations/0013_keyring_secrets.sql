-- SecretBox's subkey for one purpose: HKDF-SHA256 without salt, one block (RFC 5869).
CREATE FUNCTION dotmac_subkey(key bytea, purpose text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT hmac(convert_to('dotmac:' || purpose, 'UTF8') || '\x01'::bytea,
              hmac(key, decode(repeat('00', 32), 'hex'), 'sha256'), 'sha256')
$$;--> statement-breakpoint
-- What SecretBox sealed, opened with the keyring in dotmac.secrets_key (the current key, then
-- the keys it replaced, comma-separated): version 2 names its key (an id from the key's own
-- subkey) and is sealed with the key's sealing subkey; version 1, from before key ids, with the
-- current key itself. AES-GCM's keystream is AES-CTR from counter 2; the tag is not checked here
-- (pgcrypto has no GHASH): the server that sealed it did.
CREATE OR REPLACE FUNCTION dotmac_open_secret(sealed bytea) RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
DECLARE
  encoded text := current_setting('dotmac.secrets_key', true);
  keys bytea[];
  key bytea;
  candidate bytea;
  nonce bytea;
  body bytea;
  stream bytea := ''::bytea;
  counter integer := 2;
BEGIN
  IF encoded IS NULL OR encoded = '' THEN
    RAISE EXCEPTION 'set dotmac.secrets_key on the connection (options=''-c dotmac.secrets_key=<TENANT_SECRETS_KEY>[,<previous key>...]'')';
  END IF;
  SELECT array_agg(decode(trim(k), 'base64')) INTO keys
    FROM unnest(string_to_array(encoded, ',')) AS k WHERE trim(k) <> '';
  FOREACH candidate IN ARRAY keys LOOP
    IF length(candidate) <> 32 THEN RAISE EXCEPTION 'dotmac.secrets_key holds a key that is not base64 of 32 bytes'; END IF;
  END LOOP;
  IF length(sealed) >= 33 AND get_byte(sealed, 0) = 2 THEN
    FOREACH candidate IN ARRAY keys LOOP
      IF substring(dotmac_subkey(candidate, 'key-id') FROM 1 FOR 4) = substring(sealed FROM 2 FOR 4) THEN
        key := dotmac_subkey(candidate, 'seal');
      END IF;
    END LOOP;
    IF key IS NULL THEN
      RAISE EXCEPTION 'sealed with key %, which dotmac.secrets_key does not hold', encode(substring(sealed FROM 2 FOR 4), 'hex');
    END IF;
    nonce := substring(sealed FROM 6 FOR 12);
    body := substring(sealed FROM 34);
  ELSIF length(sealed) >= 29 AND get_byte(sealed, 0) = 1 THEN
    key := keys[1];
    nonce := substring(sealed FROM 2 FOR 12);
    body := substring(sealed FROM 30);
  ELSE
    RAISE EXCEPTION 'not a sealed secret';
  END IF;
  WHILE length(stream) < length(body) LOOP
    stream := stream || encrypt(nonce || int4send(counter), key, 'aes-ecb/pad:none');
    counter := counter + 1;
  END LOOP;
  FOR i IN 0 .. length(body) - 1 LOOP
    body := set_byte(body, i, get_byte(body, i) # get_byte(stream, i));
  END LOOP;
  RETURN convert_from(body, 'UTF8');
END
$$;
