/* test-list.h - every unit test, one X(name) per line; the function is test_<name>(). */
X(util_timefmt_parse)
X(util_timefmt_format)
X(util_buf_bounded)
X(protocol_form_plus_and_percent)
X(protocol_form_malformed)
X(http_sigv4_parse)
X(http_sigv4_account)
