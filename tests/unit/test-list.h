/* test-list.h - every unit test, one X(name) per line; the function is test_<name>().
 * Keep each module's tests in its own section. */

/* util */
X(util_timefmt_parse)
X(util_timefmt_format)
X(util_buf_bounded)

/* engine: clock, teams, ticks */
X(engine_clock_parse)
X(engine_team_persists)
X(engine_advance_rules)

/* http */
X(http_sigv4_parse)
X(http_sigv4_account)
X(http_route_protocols)
X(http_route_errors)

/* protocol: form */
X(protocol_form_plus_and_percent)
X(protocol_form_malformed)

/* protocol: json */
X(protocol_json_decode_captured)
X(protocol_json_timestamps)
X(protocol_json_malformed)
X(protocol_json_encode)
X(protocol_json_errors)
X(protocol_json_encode_by_shape)

/* protocol: query + xml */
X(protocol_xml_escape_text)
X(protocol_xml_escape_attr)
X(protocol_xml_elements)
X(protocol_xml_bounded)
X(protocol_query_decode_nested)
X(protocol_query_decode_lists)
X(protocol_query_decode_scalars)
X(protocol_query_decode_errors)
X(protocol_query_encode_list_metrics)
X(protocol_query_encode_sts)
X(protocol_query_encode_shapes)
X(protocol_query_encode_mismatch)
X(protocol_query_encode_error)

/* protocol: ec2 (the EC2 dialect of query.c, and the store module sim/store/ec2.c) */
X(protocol_ec2_decode_captured)
X(protocol_ec2_decode_names)
X(protocol_ec2_decode_errors)
X(protocol_ec2_encode_vpcs)
X(protocol_ec2_encode_shapes)
X(protocol_ec2_encode_error)
X(protocol_ec2_route)
X(store_ec2_defaults)
X(store_ec2_default_ids)
X(store_ec2_find)
X(store_ec2_zones)
X(store_ec2_ids)
X(store_ec2_fixture_path)

/* protocol: cbor */
X(protocol_cbor_captured_request)
X(protocol_cbor_captured_response)
X(protocol_cbor_aws_indefinite_response)
X(protocol_cbor_round_trip)
X(protocol_cbor_encode_kinds)
X(protocol_cbor_encode_empty)
X(protocol_cbor_cloudwatch_model)
X(protocol_cbor_encode_error)
X(protocol_cbor_floats)
X(protocol_cbor_integers)
X(protocol_cbor_tags)
X(protocol_cbor_indefinite)
X(protocol_cbor_malformed)
X(protocol_cbor_truncated)
X(protocol_cbor_deep_nesting)
X(protocol_cbor_size_limit)

/* services: validation */
X(services_validate_coral)
X(services_validate_query)

/* services */
/* services: ssm (and its store module, sim/store/ssm.c) */
X(services_ssm_names)
X(services_ssm_refs)
X(services_ssm_labels)
X(services_ssm_tokens_and_cipher)
X(services_ssm_store)

/* services: cloudwatch (and its store module, sim/store/metrics.c) */
X(store_metrics_dims_key)
X(store_metrics_units)
X(services_cloudwatch_put_list)
X(services_cloudwatch_list_filters)
X(services_cloudwatch_list_recency)
X(services_cloudwatch_list_paging)
X(services_cloudwatch_list_paging_filtered)
X(services_cloudwatch_put_storage)
X(services_cloudwatch_put_atomic)
X(services_cloudwatch_put_rules)
X(services_cloudwatch_put_limits)

/* services: ecs (sim/services/ecs*.c, sim/store/ecs.c; the engine side in
 * tests/unit/engine/ecs.c) */
X(services_ecs_names_and_refs)
X(services_ecs_tokens)
X(services_ecs_clusters)
X(services_ecs_task_definition_rules)
X(services_ecs_service_rules)
X(services_ecs_ec2_launch_type)
X(engine_ecs_task_lifecycle)
X(engine_ecs_rolling_min100_max200)
X(engine_ecs_rolling_min50_max100)
X(engine_ecs_rolling_min0_max100)
X(engine_ecs_rolling_min75_max125)
X(engine_ecs_scale_in_events)
X(engine_ecs_autoscaling_contract)
X(engine_ecs_idle_tick_is_cheap)

/* services: autoscaling (sim/engine/autoscaling.c, cronexpr.c; tests/unit/engine/autoscaling.c) */
X(engine_autoscaling_cron_parse)
X(engine_autoscaling_cron_next)
X(engine_autoscaling_timezones)
X(engine_autoscaling_next_fire)
X(engine_autoscaling_apply)
X(engine_autoscaling_apply_percent_and_blocks)
X(engine_autoscaling_decision_from_policy)
X(engine_autoscaling_tick_scheduled)
X(services_autoscaling_handlers)

/* services: dashboards (sim/services/dashboard_body.c, sim/store/dashboards.c; the handlers
 * in tests/e2e/test_dashboards.py) */
X(services_dashboards_valid_bodies)
X(services_dashboards_not_object)
X(services_dashboards_top_level)
X(services_dashboards_widget_fields)
X(services_dashboards_metric_arrays)
X(services_dashboards_metric_widget)
X(services_dashboards_variables)
X(services_dashboards_warnings)
X(services_dashboards_message)
X(services_dashboards_model)
X(services_dashboards_store)

/* engine: metricmath (sim/engine/metricmath*.c; cases in tests/unit/engine/metricmath_cases.txt) */
X(engine_metricmath_cases)
X(engine_metricmath_parse_limits)
X(engine_metricmath_parse_errors)
X(engine_metricmath_refs)
X(engine_metricmath_callbacks)
X(engine_metricmath_normalizes_inputs)
X(engine_metricmath_labels)

/* engine: metricstat (sim/engine/metricstat.c, sim/store/metrics.c's aggregate; the
 * handlers in tests/e2e/test_cloudwatch_stats.py) */
X(engine_metricstat_syntax)
X(engine_metricstat_grid)
X(engine_metricstat_values)
X(engine_metricstat_sets_and_negatives)
X(engine_metricstat_units_and_series)
X(engine_metricstat_retention)

/* services: sns (sim/services/sns.c, sim/engine/sns*.c, sim/store/sns.c; the rest end to end
 * in tests/e2e/test_sns.py) */
X(services_sns_retry_schedule)
X(services_sns_delivery_policies)
X(services_sns_string_to_sign)
X(services_sns_filter_policy)
X(services_sns_publish_contract)

/* engine: alarms (sim/engine/alarms*.c, sim/store/alarms.c; the handlers in
 * tests/e2e/test_alarms.py) */
X(engine_alarms_missing_data_tables)
X(engine_alarms_reason_texts)
X(engine_alarms_texts)
X(engine_alarms_rules)
X(engine_alarms_tick_history_actions)
X(engine_alarms_composites)

/* services: logs (sim/store/logs.c, sim/engine/logs.c; the handlers of sim/services/logs.c end
 * to end in tests/e2e/test_logs*.py and tests/e2e/js/logs.test.mjs) */
X(store_logs_scan_order)
X(store_logs_scan_resume)
X(store_logs_scan_prefilter_and_scope)
X(store_logs_get_event)
X(store_logs_ids_never_reused)
X(store_logs_streams)
X(store_logs_retention)
X(store_logs_bloom_scan_matches_naive)
X(store_logs_bloom_rollback_and_forget)
X(store_journal_trim)
X(store_journal_tail)

/* insights: filter patterns (sim/insights/filter_pattern*.c; cases in
 * tests/unit/insights/filter_pattern_cases.txt) */
X(insights_filter_pattern_cases)
X(insights_filter_pattern_limits)
X(insights_filter_pattern_kinds)
X(insights_filter_pattern_extract)
X(insights_filter_pattern_binary_messages)
X(insights_filter_pattern_large_messages)
X(insights_filter_pattern_regex_bounds)

/* insights: logs insights (sim/insights/{lexer,parser,eval}.c, sim/services/logs_insights.c;
 * cases in tests/unit/insights/cases/) */
X(insights_cases)
X(insights_ptr)
X(insights_log_record)
X(insights_early_stop)
X(insights_error_location)

/* services: rds proxy (sim/store/rds_proxy.c, sim/engine/rds_proxy.c; the handlers of
 * sim/services/rds_proxy.c end to end in tests/e2e/test_rds_proxy*.py) */
X(store_rds_proxy_pool_budget)
X(store_rds_proxy_rows)
X(engine_rds_proxy_durations)

/* services: rds (sim/store/rds.c, sim/engine/rds.c, sim/services/rds_params.c's boot
 * parameters; the handlers end to end in tests/e2e/test_rds*.py and js/rds.test.mjs) */
X(store_rds_default_max_connections)
X(store_rds_cluster_info)
X(store_rds_arn_names)
X(store_rds_boot_params)
X(store_rds_due)
X(engine_rds_down_hook)
X(engine_rds_durations)
X(services_rds_param_catalogue)

/* services: secrets manager and iam (sim/store/secrets.c, sim/store/iam.c; the handlers end to
 * end in tests/e2e/test_secrets.py, test_iam.py, test_secrets_iam_cli.py, js/secrets.test.mjs) */
X(store_secrets_find)
X(store_secrets_purge)
X(store_iam_role_find)

/* scenario: scenarios, the world model's generators and the world in-process (sim/scenario/,
 * sim/util/rand.c, sim/engine/world*.c; end to end in tests/e2e/test_world_*.py) */
X(scenario_durations)
X(scenario_validate_errors)
X(scenario_files_valid)
X(rng_distributions)
X(world_golden_path_leak)

/* chaos: API chaos rules (sim/control/chaos.c, sim/store/chaos.c; end to end in
 * tests/e2e/test_chaos.py and test_chaos_cli.py) */
X(chaos_rule_matching)
X(chaos_rule_counting)
X(chaos_rule_probability)
X(chaos_rule_parse_errors)
X(store_chaos_rows)
X(chaos_apply_protocols)
X(chaos_scenario_action)

/* snapshots: the shadow-table copy of a team's rows (sim/store/snapshot.c; end to end with
 * sim/control/snapshot.c in tests/e2e/test_snapshots.py, many teams in test_teams.py) */
X(store_snapshot_roundtrip)
X(store_snapshot_id_shift)
X(store_snapshot_new_tables_and_columns)
X(store_snapshot_catalogue)

/* journal: the audit journal and the drill report (sim/control/journal.c, report*.c; end to
 * end in tests/e2e/test_journal.py and test_report.py) */
X(report_runbook_steps)
X(report_hints)
X(report_scoring)
X(journal_key_params)
X(scenario_root_cause_validation)

/* console: the web console's Markdown subset, scales, ticks and SVG graph (sim/console/; the
 * pages end to end in tests/e2e/test_console.py) */
X(console_markdown)
X(console_nice_ticks)
X(console_time_ticks)
X(console_fmt_value)
X(console_svg_graph)

/* console Logs pages: link encoding, the Insights box's time window and group= arguments
 * (sim/console/console_logs.c; the pages end to end in tests/e2e/test_console_logs.py) */
X(console_logs_url_encode)
X(console_logs_window)
X(console_logs_form_values)
