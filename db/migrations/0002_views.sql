-- Seed-named views (seeds 001 and 003). Plain views: always current, no refresh to forget.
CREATE VIEW oms_active_outages AS
SELECT
    oe.id, oe.event_id, oe.status, oe.severity, oe.confidence_score,
    oe.affected_customers_count, oe.affected_meters_count, oe.critical_customers_count,
    oe.first_detected_at, oe.last_updated_at, oe.estimated_restoration_time,
    oe.predicted_device_level, oe.predicted_device_code,
    ns.name AS substation_name, nf.name AS feeder_name,
    COUNT(es.id) AS source_count,
    STRING_AGG(DISTINCT es.source_type, ', ') AS source_types
FROM oms_outage_events oe
LEFT JOIN network_substations ns ON oe.substation_id = ns.id
LEFT JOIN network_feeders nf ON oe.feeder_id = nf.id
LEFT JOIN oms_event_sources es ON oe.id = es.outage_event_id
WHERE oe.status IN ('detected', 'confirmed', 'in_progress')
GROUP BY oe.id, ns.name, nf.name;
--> statement-breakpoint
CREATE VIEW oms_correlation_summary AS
SELECT
    oe.id AS outage_event_id, oe.event_id, oe.status, oe.confidence_score,
    COUNT(es.id) AS total_sources,
    COUNT(CASE WHEN es.source_type = 'scada' THEN 1 END) AS scada_sources,
    COUNT(CASE WHEN es.source_type = 'kaifa' THEN 1 END) AS kaifa_sources,
    COUNT(CASE WHEN es.source_type = 'onu' THEN 1 END) AS onu_sources,
    COUNT(CASE WHEN es.source_type = 'call_center' THEN 1 END) AS call_center_sources
FROM oms_outage_events oe
LEFT JOIN oms_event_sources es ON oe.id = es.outage_event_id
GROUP BY oe.id, oe.event_id, oe.status, oe.confidence_score;
--> statement-breakpoint
CREATE VIEW network_substations_with_meters AS
SELECT
    ns.id, ns.substation_id, ns.name, ns.status, ns.capacity_mva, ns.location_lat, ns.location_lng,
    (SELECT COUNT(*) FROM network_feeders nf WHERE nf.substation_id = ns.id) AS feeder_count,
    COUNT(m.id) AS meter_count,
    COUNT(m.id) FILTER (WHERE m.power_status = 'off') AS offline_meter_count,
    COUNT(m.id) FILTER (WHERE m.power_status = 'on') AS online_meter_count,
    COUNT(m.id) FILTER (WHERE m.power_status = 'unknown') AS unknown_meter_count
FROM network_substations ns
LEFT JOIN oms_meters m ON m.substation_id = ns.id AND m.status = 'active'
GROUP BY ns.id;
--> statement-breakpoint
CREATE VIEW network_feeders_with_meters AS
SELECT
    nf.id, nf.feeder_id, nf.name, nf.status, nf.substation_id,
    ns.substation_id AS substation_code,
    (SELECT COUNT(*) FROM network_distribution_points dp WHERE dp.feeder_id = nf.id) AS distribution_point_count,
    COUNT(m.id) AS meter_count,
    COUNT(m.id) FILTER (WHERE m.power_status = 'off') AS offline_meter_count,
    COUNT(m.id) FILTER (WHERE m.power_status = 'on') AS online_meter_count,
    COUNT(m.id) FILTER (WHERE m.power_status = 'unknown') AS unknown_meter_count
FROM network_feeders nf
JOIN network_substations ns ON ns.id = nf.substation_id
LEFT JOIN oms_meters m ON m.feeder_id = nf.id AND m.status = 'active'
GROUP BY nf.id, ns.substation_id;
--> statement-breakpoint
CREATE VIEW oms_meters_with_topology AS
SELECT
    m.id, m.meter_number, m.asset_mrid, m.usage_point_mrid, m.onu_id,
    m.power_status, m.communication_status, m.last_communication, m.last_power_change,
    m.location_lat, m.location_lng,
    dp.id AS dp_pk, dp.dp_id, dp.name AS dp_name,
    nf.id AS feeder_pk, nf.feeder_id, nf.name AS feeder_name,
    ns.id AS substation_pk, ns.substation_id, ns.name AS substation_name,
    c.id AS customer_pk, c.customer_id, c.name AS customer_name, c.phone AS customer_phone,
    c.address AS customer_address, c.is_critical
FROM oms_meters m
LEFT JOIN network_distribution_points dp ON dp.id = m.dp_id
LEFT JOIN network_feeders nf ON nf.id = m.feeder_id
LEFT JOIN network_substations ns ON ns.id = m.substation_id
LEFT JOIN oms_customers c ON c.id = m.customer_id;
