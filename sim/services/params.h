/*
 * params.h - typed getters on the neutral input document, for handlers.
 *
 * Validation (validate.c) and the codecs' type checks have already run, so a getter only
 * has to tell "absent" from "present"; it never fails. Names are the model's member names.
 */
#ifndef DRILLSIM_PARAMS_H
#define DRILLSIM_PARAMS_H

#include <stdint.h>

#include <cjson/cJSON.h>

struct call;

/* The member, or NULL when absent or null. */
cJSON *param(const cJSON *obj, const char *name);
/* The string value, or NULL. */
const char *param_str(const cJSON *obj, const char *name);
int param_bool(const cJSON *obj, const char *name, int dflt);
int64_t param_int(const cJSON *obj, const char *name, int64_t dflt);
double param_num(const cJSON *obj, const char *name, double dflt);

#endif
