/**
 * argon2id at the smallest cost (64 KiB, one pass) for the servers tests run: a sign-in costs well
 * under a millisecond instead of ~80 ms. Production's cost is fixed in src/auth/passwords.ts and
 * checked by test/unit/passwords.test.ts; `bun src/server.ts` (benchmarks, the image) always uses it.
 */
export const TEST_PASSWORD_COST = { memoryCost: 64, timeCost: 1 };
