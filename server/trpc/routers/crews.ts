import { z } from "zod";
import { sql } from "drizzle-orm";
import { queryRows } from "../../../db/client";
import { router, procedure, serviceContext } from "../init";
import { suggestCrews } from "../../operations/suggestCrews";
import { dispatchCrew, dispatchCrewInput } from "../../operations/dispatchCrew";
import { outageRef } from "../../operations/schemas";

export interface CrewListRow {
  id: number; code: string; name: string; status: string; lat: number | null; lng: number | null;
  positionAt: string | null; accuracy: number | null; depotLat: number; depotLng: number; depot: string; outage: string | null;
}

export const crewsRouter = router({
  /** Every crew with where it is, what it is doing and on which outage. */
  /**
   * Every crew with its last reported position (`positionAt` null: never reported), its depot,
   * what it is doing and on which outage. The page decides from `positionAt` and the clock where
   * to draw it (crewTravel.ts crewPlace), as time passes with no push.
   */
  list: procedure("outages.read").query(({ ctx }) => queryRows<CrewListRow>(ctx.db, sql`
    SELECT c.id, c.crew_id AS code, c.name, c.status, c.location_lat AS lat, c.location_lng AS lng,
      to_char(c.position_updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "positionAt", c.position_accuracy_m AS accuracy,
      c.depot_lat AS "depotLat", c.depot_lng AS "depotLng", c.home_depot AS depot,
      (SELECT o.event_id FROM oms_crew_assignments a JOIN oms_outage_events o ON o.id = a.outage_event_id
        WHERE a.crew_id = c.id AND a.status NOT IN ('completed', 'cancelled') ORDER BY a.assigned_at DESC LIMIT 1) AS outage
    FROM oms_crews c ORDER BY c.crew_id`)),
  suggest: procedure("crews.dispatch").input(z.object({ outage_event_id: outageRef })).query(({ ctx, input }) => suggestCrews(ctx.db, input.outage_event_id, 100)),
  dispatch: procedure("crews.dispatch").input(dispatchCrewInput).mutation(({ ctx, input }) => dispatchCrew(serviceContext(ctx), input)),
});
