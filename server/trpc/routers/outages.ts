import { router, procedure } from "../init";
import { activeOutageMarkers } from "../../../db/queries/outages";

export const outagesRouter = router({
  /** Open outages to draw on the map, most severe first. */
  active: procedure("outages.read").query(({ ctx }) => activeOutageMarkers(ctx.db)),
});
