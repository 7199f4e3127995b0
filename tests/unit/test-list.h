/* test-list.h - every unit test, one X(name) per line; the function is test_<name>().
 * Keep each module's tests in its own section. */

/* util */
X(util_timefmt_parse)
X(util_timefmt_format)
X(util_buf_bounded)

/* http */
X(http_sigv4_parse)
X(http_sigv4_account)

/* protocol: form */
X(protocol_form_plus_and_percent)
X(protocol_form_malformed)

/* protocol: json */

/* protocol: query + xml */

/* protocol: cbor */

/* services */
