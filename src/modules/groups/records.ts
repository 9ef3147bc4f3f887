// What the auth state holds about groups, read from the tables (accounts/auth-records.ts).
export { readGroupRecordRows as readGroupRecords } from "./repository";
