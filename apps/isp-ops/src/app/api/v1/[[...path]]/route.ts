import { createIspOpsApi } from "../../../../server/api.ts";
import { deps } from "../../../../server/runtime.ts";

export const dynamic = "force-dynamic";

const api = createIspOpsApi(deps);
const handle = (request: Request) => api.fetch(request);

export { handle as DELETE, handle as GET, handle as PATCH, handle as POST, handle as PUT };
