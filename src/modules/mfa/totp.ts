// Authenticator-app codes (RFC 6238 through `otpauth`): SHA-1, 6 digits, 30-second steps, the usual
// settings every app understands. A code is accepted one step either side of now (clock drift), and
// the step it matched is returned so the caller can refuse that step (and older ones) from then on.
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";

const PERIOD = 30;
const DIGITS = 6;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpFor(secret: string, issuer: string, label: string): TOTP {
  return new TOTP({ issuer, label, algorithm: "SHA1", digits: DIGITS, period: PERIOD, secret: Secret.fromBase32(secret) });
}

/** The time-step the code belongs to (within one step of `now`), or null when it matches none. */
export function matchingStep(secret: string, code: string, now: Date): number | null {
  const totp = totpFor(secret, "", "");
  const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return null;
  return totp.counter({ timestamp: now.getTime() }) + delta;
}

/** The otpauth:// URI an app scans, as an SVG QR code (no script, no external request). */
export async function enrolmentQrSvg(secret: string, issuer: string, label: string): Promise<{ uri: string; svg: string }> {
  const uri = totpFor(secret, issuer, label).toString();
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { uri, svg };
}

/** A six-digit code, spaces allowed ("123 456"). */
export function asTotpCode(input: string): string | null {
  const code = input.replace(/\s+/g, "");
  return /^\d{6}$/.test(code) ? code : null;
}
