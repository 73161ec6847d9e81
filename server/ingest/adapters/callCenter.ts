import { z } from "zod";
import type { ParsedItem, Signal } from "../signal";
import { type AdapterContext, compact, location, optionalId, optionalText, parseBatch, requiredId, runSchema, timestamp } from "./common";

/**
 * Call-center tickets are typed by operators: the recorded sample has phone, meter number and
 * address all "3". Junk is accepted as sent (trimmed, blanks dropped) because the pipeline
 * records an unmatched ticket rather than losing a customer's call; only the ticket id and the
 * time are required.
 */
export function callCenterTicketSchema(now: Date) {
  return z
    .looseObject({
      ticketId: requiredId,
      timestamp: timestamp(now),
      customer: z
        .looseObject({
          phone: optionalId,
          meterNumber: optionalId,
          address: optionalText,
          location,
        })
        .nullish(),
      notes: optionalText,
    })
    .transform((t): Signal => ({
      sourceType: "call_center",
      sourceEventId: t.ticketId,
      kind: "customer_report",
      occurredAt: t.timestamp,
      meter: compact({ meterNumber: t.customer?.meterNumber, phone: t.customer?.phone }),
      location: t.customer?.location,
      attributes: compact({ address: t.customer?.address, notes: t.notes }),
    }));
}

/** One call-center ticket or a batch of them. */
export function parseCallCenterBody(body: unknown, ctx: AdapterContext): ParsedItem[] {
  const schema = callCenterTicketSchema(ctx.now);
  return parseBatch(body, (item) => runSchema(schema, item));
}
