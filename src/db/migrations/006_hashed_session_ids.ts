// Session ids become non-bearer handles. A session JWT carries a random id (`jti`); with the signing
// key, that id is all it takes to forge a working session, so the database (and every backup of it)
// keeps only its SHA-256 (hex), which is also the public handle /profile and /auth/sessions use.
// Existing rows and the audit entries that name a session (`params.session_id`) are converted in
// place: sessions signed in before the upgrade keep working (the server hashes the jti it is shown).
// Before this migration every session id was a UUID (36 characters), so only those are converted.
// No ';' inside the statements: the migration runner splits on it.
export const hashedSessionIds = {
  version: 6,
  name: "hashed_session_ids",
  sql: `
    UPDATE sessions SET id = sha256(id) WHERE length(id) = 36;
    UPDATE audit_log SET params = replace(
        params,
        '"session_id":"' || regexp_extract(params, '"session_id":"([0-9a-f-]{36})"', 1) || '"',
        '"session_id":"' || sha256(regexp_extract(params, '"session_id":"([0-9a-f-]{36})"', 1)) || '"')
      WHERE regexp_matches(params, '"session_id":"[0-9a-f-]{36}"');
  `,
};
