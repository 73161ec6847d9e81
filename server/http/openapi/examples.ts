/**
 * Request examples for the API description, copied from the recorded payloads
 * (tests/fixtures/ingest/, the `event` or `request.body` of each envelope) and from seed 004's
 * test events where nothing was recorded (Kaifa JSON, ONU). The OpenAPI test checks each against
 * its schema and through the route's own parser.
 */
export const INGEST_EXAMPLES: Record<string, Record<string, { summary: string; value: unknown }>> = {
  scada: {
    lossOfVoltage: {
      summary: "Recorded: MV_AlarmLossOfVoltage (scada_event_20250924_080206_810295_unknown.json)",
      value: { eventType: "MV_AlarmLossOfVoltage", substationId: "4A00000K123", feederId: "F00K123", mainStationId: "82001", alarmType: "De-energized", timestamp: "2025-09-24T08:02:01.915Z", voltage: 0, severity: "Medium", reason: "Transformer Fault", coordinates: { lat: 31.94, lng: 35.97 } },
    },
    restoration: {
      summary: "Recorded: MV_AlarmRestoration (scada_event_20250924_093100_516229_unknown.json)",
      value: { eventType: "MV_AlarmRestoration", substationId: "4A00000L663", feederId: "F00L663", mainStationId: "82001", alarmType: "Energized", timestamp: "2025-09-24T09:31:00.452Z", voltage: 11000, severity: "Medium", reason: "Transformer Fault", coordinates: { lat: 31.92, lng: 35.95 } },
    },
  },
  kaifa: {
    lastGasp: {
      summary: "Seed 004's KAIFA_TEST_001 (the recorded head-end sends the same event as SOAP XML)",
      value: { message_type: "EndDeviceEvent", timestamp: "2025-09-30T10:10:00Z", payload: { event_id: "KAIFA_TEST_001", severity: "critical", reason: "Last gasp signal detected", assets: { "ns2:mRID": "M12345678" } } },
    },
  },
  onu: {
    lastGasp: {
      summary: "Seed 004's ONU_TEST_001",
      value: { eventId: "ONU_TEST_001", type: "ONU_LastGaspAlert", onuId: 3230316, onuSerial: "48575443ED8345B0", timestamp: "2025-09-30T10:05:00Z", alarmData: { category: "power", alarmType: "last_gasp" } },
    },
  },
  "call-center": {
    ticket: {
      summary: "Recorded: an operator's ticket with junk values (call_center_event_20250924_135131_572280_p0_o2.json)",
      value: { ticketId: "TC_1758721891516", timestamp: "2025-09-24T13:51:31.516Z", customer: { phone: "3", meterNumber: "3", address: "3" }, notes: "3" },
    },
  },
};

/** The head-end's SOAP form (tests/fixtures/ingest/kaifa_event_message_plain.xml). */
export const KAIFA_XML_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<EventMessage xmlns="http://iec.ch/TC57/2011/schema/message">
  <Header><Verb>created</Verb><Noun>EndDeviceEvents</Noun><Timestamp>2025-09-24T09:15:00Z</Timestamp><Source>KAIFA-HES-02</Source></Header>
  <Payload>
    <EndDeviceEvents xmlns="http://iec.ch/TC57/2011/EndDeviceEvents#">
      <EndDeviceEvent>
        <mRID>KF-EDE-20250924-000310</mRID><createdDateTime>2025-09-24T09:14:58</createdDateTime>
        <reason>Last gasp signal detected</reason><severity>critical</severity>
        <Assets><mRID>00451203</mRID></Assets><EndDeviceEventType ref="3.26.38.85"/>
      </EndDeviceEvent>
    </EndDeviceEvents>
  </Payload>
</EventMessage>`;

/** A 207: one good event and one without its timestamp. */
export const BATCH_207_EXAMPLE = {
  accepted: 1, duplicates: 0, rejected: 1, unmatched: 0, pending: 0,
  results: [
    { index: 0, status: "correlated", source_event_id: "ONU_TEST_001", outage_event_id: "OMS_20250930_0001", outage_status: "detected", confidence: 0.6 },
    { index: 1, status: "rejected", issues: [{ path: "[1].timestamp", message: "is required" }] },
  ],
};

export const ERROR_EXAMPLE = {
  error: "invalid",
  message: "The request body is not valid: reason is required",
  issues: [{ path: "reason", message: "is required" }],
};
