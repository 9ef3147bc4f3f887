// DATASET_DEFAULT_GRANT: a new dataset is granted to Everyone (the default) or to nobody but admins.
import { expect, test } from "bun:test";
import { loadConfig } from "../../src/config";
import { storeCsv } from "../data/helpers";
import { auditOf, groupsWorld, manifestNames } from "./helpers";

test("by default a new dataset is granted to Everyone, named in its dataset.create entry", async () => {
  const { t, analystPat } = await groupsWorld({});
  try {
    await storeCsv(t, "open", "x\n1\n");
    expect(await manifestNames(t, analystPat)).toEqual(["open"]);
    const [created] = await auditOf(t, "dataset.create");
    expect(JSON.parse(created!.params).granted).toEqual(["everyone"]);
  } finally {
    await t.close();
  }
});

test("DATASET_DEFAULT_GRANT=none: only admins read a new dataset until it is granted", async () => {
  const { t, admin, analystPat } = await groupsWorld({ DATASET_DEFAULT_GRANT: "none" });
  try {
    await storeCsv(t, "closed", "x\n1\n");
    expect(await manifestNames(t, analystPat)).toEqual([]);
    expect(await manifestNames(t, admin)).toEqual(["closed"]);
    const [created] = await auditOf(t, "dataset.create");
    expect(JSON.parse(created!.params).granted).toEqual([]);
  } finally {
    await t.close();
  }
});

test("DATASET_DEFAULT_GRANT takes everyone or none, nothing else", () => {
  expect(() => loadConfig({ DATA_DIR: "/tmp/x", DATASET_DEFAULT_GRANT: "all" })).toThrow("DATASET_DEFAULT_GRANT");
  expect(loadConfig({ DATA_DIR: "/tmp/agnes-default-grant", DATASET_DEFAULT_GRANT: "NONE" }).data.defaultGrant).toBe("none");
});
