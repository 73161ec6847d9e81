import { router, procedure } from "../init";

export const accountRouter = router({
  /** Who is signed in (null when nobody): the pages decide what to show from it. */
  me: procedure("public").query(({ ctx }) => {
    const a = ctx.actor;
    if (!a || a.kind !== "user") return null;
    return { id: a.id, username: a.username, name: a.name, role: a.role, crewId: a.crewId };
  }),
});
