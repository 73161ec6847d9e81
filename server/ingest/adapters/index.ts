import type { SourceType } from "../../../db/schema";
import type { ParsedItem } from "../signal";
import { parseCallCenterBody } from "./callCenter";
import type { AdapterContext } from "./common";
import { parseKaifaBody } from "./kaifa";
import { parseOnuBody } from "./onu";
import { parseScadaBody } from "./scada";

/** Turns a JSON request body (one event or a batch) into one ParsedItem per event. Pure. */
export type SourceAdapter = (body: unknown, ctx: AdapterContext) => ParsedItem[];

/** The JSON adapter for each source; Kaifa's SOAP/XML form goes through parseKaifaXml. */
export const adapters: Record<SourceType, SourceAdapter> = {
  scada: parseScadaBody,
  kaifa: parseKaifaBody,
  onu: parseOnuBody,
  call_center: parseCallCenterBody,
};

export { parseKaifaXml } from "./kaifaXml";
export { defaultKaifaEventMap, kaifaSignalKind, type KaifaEventMap } from "./kaifa";
export { parseBatch, FUTURE_TOLERANCE_MS, type AdapterContext, type ItemOutcome, type FieldIssue } from "./common";
export { scadaEventId, SCADA_EVENT_TYPES } from "./scada";
export { ONU_TYPES } from "./onu";
