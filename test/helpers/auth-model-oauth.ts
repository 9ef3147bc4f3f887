// The OAuth steps of the auth-state model test (test/helpers/auth-model.ts): a person connects an
// app (registration, consent, code), refreshes it (or reuses an old refresh token, which must end
// the family) and disconnects it, through the API.
import type { TestApp } from "./app";
import { connectAppQuietly, refresh, registerClient } from "./oauth";

export class OAuthAppDriver {
  /** Connected apps (OAuth grants): every refresh token each was given, the newest last. */
  readonly apps: { clientId: string; refreshTokens: string[]; jwt: string }[] = [];
  private clientId: string | null = null;

  constructor(
    private readonly t: TestApp,
    private readonly send: (res: Promise<Response>) => Promise<Response>,
    /** The root admin's session: it connects when no other person has a session yet (they are rare early in a sequence). */
    private readonly rootSession: string,
  ) {}

  private pick(k: number) {
    return this.apps.length ? this.apps[k % this.apps.length] : undefined;
  }

  /** One of a session's people connects an app: registration, consent (as the session's browser), code. */
  async connect(session: { jwt: string } | undefined): Promise<void> {
    const jwt = session?.jwt ?? this.rootSession;
    this.clientId ??= await registerClient(this.t);
    const tokens = await connectAppQuietly(this.t, this.t.browserWith(jwt), this.clientId);
    if (tokens) this.apps.push({ clientId: this.clientId, refreshTokens: [tokens.refresh_token], jwt });
  }

  /** Refreshes with the newest refresh token, or (reuse) an older one: that revokes the family. */
  async refresh(k: number, reuse: boolean): Promise<void> {
    const app = this.pick(k);
    if (!app) return;
    const token = reuse ? app.refreshTokens[0]! : app.refreshTokens.at(-1)!;
    const res = await this.send(refresh(this.t, app.clientId, token));
    if (res.status === 200) app.refreshTokens.push(((await res.json()) as { refresh_token: string }).refresh_token);
  }

  /** The owner disconnects it through the session that connected it (possibly ended since). */
  async revoke(k: number): Promise<void> {
    const app = this.pick(k);
    if (!app) return;
    const grants = (await (await this.t.api("GET", "/auth/oauth/grants", { token: app.jwt })).json()) as { id: string }[] | { detail: string };
    if (!Array.isArray(grants) || grants.length === 0) return;
    await this.send(this.t.api("DELETE", `/auth/oauth/grants/${grants[0]!.id}`, { token: app.jwt }));
  }
}
