// The JSON shapes of groups and grants (issue 23), shared by the server and `da`.

/** "agnes": made here; otherwise the id of the identity provider whose sign-ins keep it in step. */
export const LOCAL_SOURCE = "agnes";
export const EVERYONE_ID = "everyone";
export const GROUP_NAME_MAX = 200;
export const GROUP_DESCRIPTION_MAX = 1000;

/** GET /api/groups, GET/PATCH /api/groups/{id}, POST /api/groups. */
export type Group = {
  id: string;
  name: string;
  description: string;
  source: string;
  member_count: number;
  created_at: string;
};

/** GET /api/groups/{id}/members; PUT …/members/{user_id}. `source`: who made the membership ("agnes" = by hand). */
export type GroupMember = { user_id: string; email: string; name: string; source: string; added_at: string | null };

/** A group as `/auth/me` and the access report name it, with where the membership came from. */
export type GroupRef = { id: string; name: string; source: string; membership: string };

/** GET/PUT /api/datasets/{name}/grants. */
export type DatasetGrants = { dataset: string; groups: { id: string; name: string; source: string }[] };

/** GET /api/users/{id}/access: "view as" — the person's groups and what they can read through which group. */
export type UserAccess = {
  user_id: string;
  email: string;
  role: string;
  active: boolean;
  groups: GroupRef[];
  /** `via`: the id of the group that grants it, or "admin" (admins read every dataset). */
  datasets: { name: string; via: string; via_name: string }[];
};
