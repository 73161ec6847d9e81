import { router, procedure } from "../init";
import { allows, PERMISSIONS, type Permission } from "../../auth/permissions";

export const accountRouter = router({
  /**
   * Who is signed in (null when nobody), with what the server lets them do: the pages show an
   * action only for a permission listed here (the server checks it again on every call).
   */
  me: procedure("public").query(({ ctx }) => {
    const a = ctx.actor;
    if (!a || a.kind !== "user") return null;
    const permissions = (Object.keys(PERMISSIONS) as Permission[]).filter((p) => allows(p, a));
    return { id: a.id, username: a.username, name: a.name, role: a.role, crewId: a.crewId, permissions };
  }),
});
