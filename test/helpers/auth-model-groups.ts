// The group steps of the auth-state model test (test/helpers/auth-model.ts): the root admin makes and
// deletes groups, adds and removes members and grants the model dataset, through the admin API.
import type { TestApp } from "./app";

export type GroupStep =
  | { op: "createGroup" }
  | { op: "deleteGroup"; g: number }
  | { op: "addMember" | "removeMember"; g: number; u: number }
  | { op: "grant"; gs: number[] };

export class GroupDriver {
  /** Group ids, Everyone first (a deleted group's id stays: acting on it must fail cleanly). */
  readonly ids: string[] = ["everyone"];
  /** Memberships added and grants changed, so the test can insist the sequences reached them. */
  changes = 0;
  private made = 0;

  constructor(
    private readonly t: TestApp,
    private readonly token: string,
    private readonly send: (res: Promise<Response>) => Promise<Response>,
    private readonly userId: (k: number) => string | undefined,
  ) {}

  private pick(k: number): string {
    return this.ids[k % this.ids.length]!;
  }

  private api(method: string, path: string, body?: unknown) {
    return this.send(this.t.api(method, path, { token: this.token, body }));
  }

  async run(step: GroupStep): Promise<void> {
    switch (step.op) {
      case "createGroup": {
        const res = await this.api("POST", "/api/groups", { name: `g${++this.made}` });
        if (res.status === 201) this.ids.push(((await res.json()) as { id: string }).id);
        return;
      }
      case "deleteGroup":
        return void (await this.api("DELETE", `/api/groups/${this.pick(step.g)}`));
      case "addMember":
      case "removeMember": {
        const path = `/api/groups/${this.pick(step.g)}/members/${this.userId(step.u) ?? "none"}`;
        if ((await this.api(step.op === "addMember" ? "PUT" : "DELETE", path)).status < 300) this.changes++;
        return;
      }
      case "grant":
        if ((await this.api("PUT", "/api/datasets/model/grants", { groups: step.gs.map((g) => this.pick(g)) })).status === 200) this.changes++;
        return;
    }
  }
}
