// Every SQL statement about second factors (migration 013). The TOTP secret is stored only as
// `encryptSecret` made it; recovery codes only as SHA-256 hashes. The one write that changes what
// authenticates (who is held to enrolment) registers its auth effect on the transaction.
import type { Queryable, Transaction } from "../../db/database";
import { authEffects } from "../../auth/auth-effects";

export type TotpRow = { user_id: string; secret_enc: string; created_at: Date; confirmed_at: Date | null; last_step: number | null };
export type PasskeyRow = {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  counter: number;
  transports: string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
};

export async function findTotp(q: Queryable, userId: string): Promise<TotpRow | null> {
  const rows = await q.query<TotpRow>(
    "SELECT user_id, secret_enc, created_at, confirmed_at, CAST(last_step AS DOUBLE) AS last_step FROM totp_factors WHERE user_id = $1",
    [userId],
  );
  return rows[0] ?? null;
}

/** A new (unconfirmed) secret replaces whatever was there. */
export async function putPendingTotp(tx: Transaction, userId: string, secretEnc: string, now: Date): Promise<void> {
  await tx.run("DELETE FROM totp_factors WHERE user_id = $1", [userId]);
  await tx.run("INSERT INTO totp_factors (user_id, secret_enc, created_at) VALUES ($1, $2, $3)", [userId, secretEnc, now]);
}

export async function confirmTotp(tx: Transaction, userId: string, step: number, now: Date): Promise<void> {
  await tx.run("UPDATE totp_factors SET confirmed_at = $2, last_step = $3 WHERE user_id = $1", [userId, now, step]);
}

/** Records the time-step a code was accepted for: no code of that step or before works again. */
export async function setTotpLastStep(tx: Transaction, userId: string, step: number): Promise<void> {
  await tx.run("UPDATE totp_factors SET last_step = $2 WHERE user_id = $1", [userId, step]);
}

export async function deleteTotp(tx: Transaction, userId: string): Promise<void> {
  await tx.run("DELETE FROM totp_factors WHERE user_id = $1", [userId]);
}

export async function replaceRecoveryCodes(tx: Transaction, userId: string, hashes: string[], now: Date): Promise<void> {
  await tx.run("DELETE FROM recovery_codes WHERE user_id = $1", [userId]);
  for (const hash of hashes) await tx.run("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)", [userId, hash, now]);
}

export async function countUnusedRecoveryCodes(q: Queryable, userId: string): Promise<number> {
  const rows = await q.query<{ n: number }>("SELECT CAST(count(*) AS INTEGER) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL", [userId]);
  return rows[0]?.n ?? 0;
}

/** Spends an unused code with this hash; false when there is none (wrong, or already used). */
export async function useRecoveryCode(tx: Transaction, userId: string, hash: string, now: Date): Promise<boolean> {
  const rows = await tx.query<{ n: number }>(
    "SELECT CAST(count(*) AS INTEGER) AS n FROM recovery_codes WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    [userId, hash],
  );
  if (!rows[0]?.n) return false;
  await tx.run("UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2", [userId, hash, now]);
  return true;
}

export async function deleteRecoveryCodes(tx: Transaction, userId: string): Promise<void> {
  await tx.run("DELETE FROM recovery_codes WHERE user_id = $1", [userId]);
}

const PASSKEY_COLUMNS = "id, user_id, credential_id, public_key, CAST(counter AS DOUBLE) AS counter, transports, name, created_at, last_used_at";

export function listPasskeys(q: Queryable, userId: string): Promise<PasskeyRow[]> {
  return q.query<PasskeyRow>(`SELECT ${PASSKEY_COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
}

export async function findPasskeyByCredential(q: Queryable, credentialId: string): Promise<PasskeyRow | null> {
  const rows = await q.query<PasskeyRow>(`SELECT ${PASSKEY_COLUMNS} FROM passkeys WHERE credential_id = $1`, [credentialId]);
  return rows[0] ?? null;
}

export async function insertPasskey(tx: Transaction, row: Omit<PasskeyRow, "last_used_at">): Promise<void> {
  await tx.run("INSERT INTO passkeys (id, user_id, credential_id, public_key, counter, transports, name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", [
    row.id,
    row.user_id,
    row.credential_id,
    row.public_key,
    row.counter,
    row.transports,
    row.name,
    row.created_at,
  ]);
}

export async function markPasskeyUsed(tx: Transaction, id: string, counter: number, now: Date): Promise<void> {
  await tx.run("UPDATE passkeys SET counter = $2, last_used_at = $3 WHERE id = $1", [id, counter, now]);
}

/** Removes one of the user's passkeys; false when they have none with that id. */
export async function deletePasskey(tx: Transaction, userId: string, id: string): Promise<boolean> {
  const rows = await tx.query<{ id: string }>("SELECT id FROM passkeys WHERE id = $1 AND user_id = $2", [id, userId]);
  if (!rows.length) return false;
  await tx.run("DELETE FROM passkeys WHERE id = $1", [id]);
  return true;
}

export async function deletePasskeysOf(tx: Transaction, userId: string): Promise<void> {
  await tx.run("DELETE FROM passkeys WHERE user_id = $1", [userId]);
}

/** Whether the person has a confirmed authenticator app or a passkey. */
export async function hasFactor(q: Queryable, userId: string): Promise<boolean> {
  const rows = await q.query<{ n: number }>(
    `SELECT CAST((SELECT count(*) FROM totp_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL)
      + (SELECT count(*) FROM passkeys WHERE user_id = $1) AS INTEGER) AS n`,
    [userId],
  );
  return (rows[0]?.n ?? 0) > 0;
}

export async function listSecondFactorRequired(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ user_id: string }>("SELECT user_id FROM second_factor_required");
  return rows.map((r) => r.user_id);
}

/** Holds (or releases) the person to enrolling a second factor before anything else. */
export async function setSecondFactorRequired(tx: Transaction, userId: string, required: boolean, now: Date): Promise<void> {
  await tx.run("DELETE FROM second_factor_required WHERE user_id = $1", [userId]);
  if (required) await tx.run("INSERT INTO second_factor_required (user_id, since) VALUES ($1, $2)", [userId, now]);
  authEffects(tx).secondFactorRequired(userId, required);
}
