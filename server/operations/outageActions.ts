import { sql } from "drizzle-orm";
import { z } from "zod";
import type { ServiceContext } from "../context";
import { conflict } from "../errors";
import { actorRef, commitAndPublish, outagesChanged } from "./changes";
import { isOpenStatus, lockOutage } from "./outages";
import { outageRef } from "./schemas";
import { addTimeline } from "./timeline";
import { at as time } from "./values";

export const confirmOutageInput = z.object({ outage_event_id: outageRef, note: z.string().trim().max(2000).nullish() });
export const addNoteInput = z.object({ outage_event_id: outageRef, note: z.string().trim().min(1).max(2000) });

/** A dispatcher confirms a detected outage: it is real, whatever its confidence says. */
export async function confirmOutage(ctx: ServiceContext, input: z.output<typeof confirmOutageInput>) {
  return commitAndPublish(ctx, async (tx, changes) => {
    const now = ctx.now();
    const outage = await lockOutage(tx, input.outage_event_id);
    if (!isOpenStatus(outage.status)) throw conflict(`Outage ${outage.event_id} is ${outage.status}; only an open outage can be confirmed`);
    if (outage.status === "detected") {
      await tx.execute(sql`
        UPDATE oms_outage_events SET status = 'confirmed', confirmed_at = ${time(now)}, confirmed_by = ${actorRef(ctx.actor)}, last_updated_at = ${time(now)}
        WHERE id = ${outage.id}::uuid`);
    }
    const status = outage.status === "detected" ? "confirmed" : outage.status;
    await addTimeline(tx, ctx.actor, now, {
      outageId: outage.id, eventType: "confirmed", status,
      description: `Confirmed by ${ctx.actor.name}${input.note ? `: ${input.note}` : ""}`,
    });
    changes.push(...await outagesChanged(tx, [outage.id]));
    return { outage_event_id: outage.id, event_id: outage.event_id, status, already_confirmed: outage.status !== "detected" };
  });
}

/** A note on the outage's timeline, naming who wrote it. */
export async function addNote(ctx: ServiceContext, input: z.output<typeof addNoteInput>) {
  return commitAndPublish(ctx, async (tx, changes) => {
    const outage = await lockOutage(tx, input.outage_event_id);
    await addTimeline(tx, ctx.actor, ctx.now(), { outageId: outage.id, eventType: "note", status: outage.status, description: input.note });
    await tx.execute(sql`UPDATE oms_outage_events SET last_updated_at = ${time(ctx.now())} WHERE id = ${outage.id}::uuid`);
    changes.push(...await outagesChanged(tx, [outage.id]));
    return { outage_event_id: outage.id, event_id: outage.event_id };
  });
}
