// Groups, memberships and dataset grants, in memory beside the users, sessions and tokens of the
// auth state (auth-state.ts), changed only by committed effects like them. Every data request asks
// it who may read what (src/modules/data/access.ts), so taking someone out of a group or a grant
// away acts at the very next request of every session and token, and no request reads the database
// for it. `everyone` (EVERYONE_GROUP_ID) has no member rows: every active user is in it.
import type { Role } from "../shared/contract";

export const EVERYONE_GROUP_ID = "everyone";

/** "agnes" (made here) or the id of the identity provider that keeps it in step. */
export type AuthGroup = { id: string; name: string; source: string };
/** `source`: "agnes" (an admin added them by hand) or the provider whose sign-ins added them. */
export type AuthMembership = { groupId: string; userId: string; source: string };
export type AuthGrant = { dataset: string; groupId: string };
export type GroupRecords = { groups: AuthGroup[]; memberships: AuthMembership[]; grants: AuthGrant[] };

export type GroupEffect =
  | { kind: "putGroup"; group: AuthGroup }
  | { kind: "removeGroup"; groupId: string }
  | { kind: "putMembership"; membership: AuthMembership }
  | { kind: "removeMembership"; groupId: string; userId: string }
  | { kind: "removeMembershipsOfUser"; userId: string }
  | { kind: "removeMembershipsOfGroup"; groupId: string }
  | { kind: "putGrant"; grant: AuthGrant }
  | { kind: "removeGrant"; dataset: string; groupId: string }
  | { kind: "removeGrantsOfDataset"; dataset: string }
  | { kind: "removeGrantsOfGroup"; groupId: string };

export const GROUP_EFFECT_KINDS = [
  "putGroup",
  "removeGroup",
  "putMembership",
  "removeMembership",
  "removeMembershipsOfUser",
  "removeMembershipsOfGroup",
  "putGrant",
  "removeGrant",
  "removeGrantsOfDataset",
  "removeGrantsOfGroup",
] as const;

type Reader = { id: string; role: Role; active: boolean };

export class GroupAccess {
  readonly #groups = new Map<string, AuthGroup>();
  /** user id → group id → membership source */
  readonly #memberships = new Map<string, Map<string, string>>();
  /** dataset → granted group ids */
  readonly #grants = new Map<string, Set<string>>();
  /** One string per distinct source: 100,000 memberships hold a few source strings, not 100,000 copies. */
  readonly #sources = new Map<string, string>();

  group(id: string): AuthGroup | undefined {
    return this.#groups.get(id);
  }

  /** The groups `user` is in, with where each membership came from (Everyone first, for an active user). */
  groupsOf(user: Reader): { group: AuthGroup; source: string }[] {
    const out: { group: AuthGroup; source: string }[] = [];
    const everyone = this.#groups.get(EVERYONE_GROUP_ID);
    if (user.active && everyone) out.push({ group: everyone, source: "agnes" });
    for (const [groupId, source] of this.#memberships.get(user.id) ?? []) {
      const group = this.#groups.get(groupId);
      if (group) out.push({ group, source });
    }
    return out;
  }

  /** The id of a group that lets `user` read `dataset` (admins read everything: "admin"), or null. */
  grantFor(user: Reader, dataset: string): string | null {
    if (!user.active) return null;
    if (user.role === "admin") return "admin";
    const granted = this.#grants.get(dataset);
    if (!granted) return null;
    if (granted.has(EVERYONE_GROUP_ID)) return EVERYONE_GROUP_ID;
    const mine = this.#memberships.get(user.id);
    if (!mine) return null;
    // Iterate the smaller side: a dataset granted to many groups, or a person in many groups.
    if (mine.size < granted.size) {
      for (const groupId of mine.keys()) if (granted.has(groupId)) return groupId;
      return null;
    }
    for (const groupId of granted) if (mine.has(groupId)) return groupId;
    return null;
  }

  grantsOf(dataset: string): string[] {
    return [...(this.#grants.get(dataset) ?? [])];
  }

  snapshot(): GroupRecords {
    const memberships: AuthMembership[] = [];
    for (const [userId, groups] of this.#memberships) for (const [groupId, source] of groups) memberships.push({ groupId, userId, source });
    const grants: AuthGrant[] = [];
    for (const [dataset, groups] of this.#grants) for (const groupId of groups) grants.push({ dataset, groupId });
    const key = (...parts: string[]) => parts.join("\u0000");
    const by =
      <T>(f: (item: T) => string) =>
      (a: T, b: T) =>
        f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0;
    return {
      groups: [...this.#groups.values()].map((g) => ({ ...g })).sort(by((g) => g.id)),
      memberships: memberships.sort(by((m) => key(m.groupId, m.userId))),
      grants: grants.sort(by((g) => key(g.dataset, g.groupId))),
    };
  }

  apply(effect: GroupEffect): void {
    switch (effect.kind) {
      case "putGroup":
        return void this.#groups.set(effect.group.id, { ...effect.group });
      case "removeGroup":
        return void this.#groups.delete(effect.groupId);
      case "putMembership": {
        const { userId, groupId, source } = effect.membership;
        const mine = this.#memberships.get(userId) ?? new Map<string, string>();
        // The group's own id string and one shared source string: fewer objects for the collector.
        const id = this.#groups.get(groupId)?.id ?? groupId;
        const from = this.#sources.get(source) ?? (this.#sources.set(source, source), source);
        this.#memberships.set(userId, mine.set(id, from));
        return;
      }
      case "removeMembership":
        return this.#dropMembership(effect.userId, effect.groupId);
      case "removeMembershipsOfUser":
        return void this.#memberships.delete(effect.userId);
      case "removeMembershipsOfGroup":
        for (const userId of [...this.#memberships.keys()]) this.#dropMembership(userId, effect.groupId);
        return;
      case "putGrant": {
        const granted = this.#grants.get(effect.grant.dataset) ?? new Set<string>();
        this.#grants.set(effect.grant.dataset, granted.add(effect.grant.groupId));
        return;
      }
      case "removeGrant":
        return this.#dropGrant(effect.dataset, effect.groupId);
      case "removeGrantsOfDataset":
        return void this.#grants.delete(effect.dataset);
      case "removeGrantsOfGroup":
        for (const dataset of [...this.#grants.keys()]) this.#dropGrant(dataset, effect.groupId);
        return;
    }
  }

  #dropMembership(userId: string, groupId: string): void {
    const mine = this.#memberships.get(userId);
    if (mine?.delete(groupId) && mine.size === 0) this.#memberships.delete(userId);
  }

  #dropGrant(dataset: string, groupId: string): void {
    const granted = this.#grants.get(dataset);
    if (granted?.delete(groupId) && granted.size === 0) this.#grants.delete(dataset);
  }
}
