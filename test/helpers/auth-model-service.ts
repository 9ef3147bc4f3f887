// The service-account steps of the auth-state model test (test/helpers/auth-model.ts): an admin
// makes service accounts, tokens for them (with scopes) and (de)activates them, through the API.
import type { Role, TokenScope } from "../../src/shared/contract";
import type { TestApp } from "./app";

type ServiceStep =
  | { op: "createServiceAccount"; role: Role }
  | { op: "serviceToken"; a: number; scopes: TokenScope[] }
  | { op: "setServiceActive"; a: number; active: boolean };

export class ServiceAccountDriver {
  readonly accounts: string[] = [];
  private made = 0;

  constructor(
    private readonly t: TestApp,
    private readonly session: string,
    private readonly send: (res: Promise<Response>) => Promise<Response>,
    private readonly tokens: { id: string; userId: string }[],
  ) {}

  async run(step: ServiceStep): Promise<void> {
    if (step.op === "createServiceAccount") return this.create(step.role);
    const id = this.accounts.length ? this.accounts[step.a % this.accounts.length] : undefined;
    if (!id) return;
    if (step.op === "setServiceActive") {
      return void (await this.send(this.t.api("PATCH", `/api/service-accounts/${id}`, { token: this.session, body: { active: step.active } })));
    }
    const res = await this.send(this.t.api("POST", `/api/service-accounts/${id}/tokens`, { token: this.session, body: { name: "sa", scopes: step.scopes } }));
    if (res.status === 201) this.tokens.push({ id: ((await res.json()) as { id: string }).id, userId: id });
  }

  private async create(role: Role): Promise<void> {
    const res = await this.send(this.t.api("POST", "/api/service-accounts", { token: this.session, body: { name: `sa-${++this.made}`, role } }));
    if (res.status === 201) this.accounts.push(((await res.json()) as { id: string }).id);
  }
}
