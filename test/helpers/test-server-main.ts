// The real server process as the tests run it: `src/server.ts`'s main with the test password cost
// (the only difference from production; see src/server.ts ServeOptions).
import { main } from "../../src/server";
import { TEST_PASSWORD_COST } from "./password-cost";

await main({ passwordCost: TEST_PASSWORD_COST });
