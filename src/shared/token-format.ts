// The fixed start of every personal access token, shared by the server (src/auth/pat-format.ts)
// and `da`, which names a rejected PAT as such rather than as an ended session.
export const PAT_PREFIX = "agnes_pat_";
