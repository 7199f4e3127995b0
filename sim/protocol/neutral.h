/*
 * neutral.h - checking a decoded document against the model's types (JSON and CBOR decoders).
 *
 * JSON and CBOR carry their own types, so after parsing, the document is walked against the
 * operation's input shape: a value of the wrong kind is a SerializationException (as AWS
 * answers), and timestamps sent as ISO 8601 strings become epoch seconds, the neutral form.
 * Members the model does not know are left alone (AWS ignores them too).
 */
#ifndef DRILLSIM_NEUTRAL_H
#define DRILLSIM_NEUTRAL_H

#include <cjson/cJSON.h>

struct call;
struct model_service;

/* Returns SIM_OK, or SIM_ERROR with a SerializationException set on c. */
int neutral_check(struct call *c, const struct model_service *svc, int shape, cJSON *doc);

#endif
