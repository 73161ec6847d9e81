-- The three correlation rules of seed 001, with the extra tunables the pipeline reads
-- (documented in the README). Editable by supervisors; this only provides the first values.
INSERT INTO oms_correlation_rules (rule_name, rule_type, correlation_window_minutes, spatial_radius_meters, confidence_threshold, parameters)
VALUES
  ('Standard', 'standard', 30, 1000, 0.7, '{"dpRollupShare": 0.3, "feederRollupShare": 0.5, "substationRollupShare": 0.5, "rollupMinChildren": 2, "verificationMinutes": 5, "momentarySeconds": 60}'),
  ('Storm Mode Detection', 'storm', 60, 2000, 0.5, '{"dpRollupShare": 0.3, "feederRollupShare": 0.4, "substationRollupShare": 0.5, "rollupMinChildren": 2, "verificationMinutes": 10, "momentarySeconds": 60}'),
  ('SCADA Priority', 'scada_priority', 15, 500, 0.9, '{"dpRollupShare": 0.3, "feederRollupShare": 0.5, "substationRollupShare": 0.5, "rollupMinChildren": 2, "verificationMinutes": 5, "momentarySeconds": 60}')
ON CONFLICT (rule_name) DO NOTHING;
--> statement-breakpoint
INSERT INTO oms_storm_mode_config (is_active, auto_activation_threshold, activation_reason)
VALUES (false, 100, 'initial configuration');
--> statement-breakpoint
-- In normal operation exactly one of Standard / SCADA Priority is the active rule; storm mode
-- overrides it with the storm rule while it is on.
UPDATE oms_correlation_rules SET is_active = (rule_type <> 'scada_priority');
