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
