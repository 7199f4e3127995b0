/*
 * sim.h - the few cross-cutting types of drillsim.
 *
 * struct sim is the one global state: the store, the clock, the generators and the options.
 * Only the loop thread touches it, so nothing here is locked.
 *
 * struct call is one AWS API request on its way through the pipeline (sim/pipeline.c):
 * route -> tenant -> decode -> lookup -> validate -> call -> encode. Codecs fill c->in (the
 * protocol-neutral input document, a cJSON tree) and turn c->out or c->err into the reply;
 * handlers only ever see c->in and write c->out (habit 3 of docs/style.md).
 *
 * Errors common to all services are one X-macro table, SIM_ERR_MAP; service-specific errors
 * come from the service's model (sim/services/model.h), where their query codes and HTTP
 * statuses are recorded.
 */
#ifndef DRILLSIM_SIM_H
#define DRILLSIM_SIM_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "engine/clock.h"
#include "engine/team.h"
#include "util/buf.h"
#include "util/rand.h"

#define DRILLSIM_VERSION "0.1.0"

/* Stage and function status vocabulary. */
#define SIM_OK 0
#define SIM_DONE 1
#define SIM_AGAIN 2
#define SIM_ERROR (-1)

#define DEFAULT_ACCOUNT "000000000000"
#define DEFAULT_REGION "us-east-1"

/*
 * Errors common to every service: id, AWS code, HTTP status, sender (1) or receiver (0) fault.
 * Codes that a service models itself (e.g. CloudWatch's InvalidParameterValue) take the
 * model's status instead; these are the fallbacks.
 */
#define SIM_ERR_MAP(XX)                                                                        \
    XX(VALIDATION, "ValidationException", 400, 1)                                              \
    XX(SERIALIZATION, "SerializationException", 400, 1)                                        \
    XX(UNKNOWN_OPERATION, "UnknownOperationException", 400, 1)                                 \
    XX(INVALID_ACTION, "InvalidAction", 400, 1)                                                \
    XX(MISSING_ACTION, "MissingAction", 400, 1)                                                \
    XX(MISSING_PARAMETER, "MissingParameter", 400, 1)                                          \
    XX(INVALID_PARAMETER_VALUE, "InvalidParameterValue", 400, 1)                               \
    XX(INVALID_QUERY_PARAMETER, "InvalidQueryParameter", 400, 1)                               \
    XX(MALFORMED_QUERY_STRING, "MalformedQueryString", 400, 1)                                 \
    XX(VALIDATION_ERROR, "ValidationError", 400, 1)                                            \
    XX(TOO_LARGE, "RequestEntityTooLarge", 413, 1)                                             \
    XX(UNSUPPORTED_ENCODING, "UnsupportedContentEncoding", 415, 1)                             \
    XX(THROTTLING, "ThrottlingException", 400, 1)                                              \
    XX(THROTTLING_QUERY, "Throttling", 400, 1)                                                 \
    XX(ACCESS_DENIED, "AccessDeniedException", 400, 1)                                         \
    XX(NOT_FOUND, "NotFound", 404, 1)                                                          \
    XX(INTERNAL, "InternalFailure", 500, 0)                                                    \
    XX(SERVICE_UNAVAILABLE, "ServiceUnavailable", 503, 0)

enum sim_err {
#define XX(id, code, status, sender) SIM_E_##id,
    SIM_ERR_MAP(XX)
#undef XX
        SIM_E__COUNT
};

const char *sim_err_code(enum sim_err e);
int sim_err_status(enum sim_err e);
/* Looks a code up in SIM_ERR_MAP; returns its index or -1. */
int sim_err_find(const char *code);

struct store;
struct sim_service;
struct sim_op;
struct model_op;
struct proto_codec;
struct form;

struct sim_options {
    const char *host;
    int port;
    const char *data_path;
    uint64_t seed;                 /* --seed: every team's generators start from it */
    enum clock_mode clock_mode;    /* --clock: every team's clock mode */
    int64_t clock_start_ms;        /* --clock manual@T; 0 = the wall-clock minute */
    struct team_timing timing;     /* --timing: lifecycle durations of new teams */
    int verbose;
    size_t max_body; /* bytes, after decompression too */
};

struct sim_stats {
    uint64_t requests;
    uint64_t errors_4xx;
    uint64_t errors_5xx;
};

struct sim {
    struct sim_options opt;
    struct store *store;
    struct team *teams; /* every team seen in this run (team.c) */
    struct rng ids;     /* request ids of replies that have no team (over TEAM_MAX) */
    struct sim_stats stats;
    int64_t started_wall_ms;
    char self_url[80]; /* "http://HOST:PORT" as bound, for URLs handed out (SNS); "" = unknown */
};

struct tenant {
    char account[13];
    char region[32];
    char access_key[129];
    char signing_service[48];
    int is_signed;
};

struct call_error {
    int set;
    char code[96];
    char *message; /* owned; may be NULL */
    int status;    /* 0 = derive from the model or SIM_ERR_MAP */
};

#define CALL_MAX_HEADERS 6

struct call {
    struct sim *sim;
    const struct proto_codec *codec;
    const struct sim_service *svc;
    const struct sim_op *op;
    const struct model_op *mop;
    char op_name[96];
    struct tenant tenant;
    struct team *team; /* the tenant's world: clock, generators (set after routing) */
    char request_id[37];
    int query_mode; /* the request carried x-amzn-query-mode: true */
    int json_minor; /* awsJson 1.0 -> 0, 1.1 -> 1 */
    int64_t now_ms; /* sim time when the call started */
    struct form *form; /* awsQuery: the decoded form fields, body and URL (owned) */
    cJSON *in;      /* neutral input document (owned) */
    cJSON *out;     /* neutral result document (owned); NULL = no output */
    struct call_error err;
    /* reply */
    int status;
    const char *content_type;
    struct {
        const char *name;
        char *value; /* owned */
    } headers[CALL_MAX_HEADERS];
    int nheaders;
    struct buf body;
    int64_t delay_ms; /* chaos latency: the reply is sent this long after it is ready */
};

void call_init(struct call *c, struct sim *sim);
void call_free(struct call *c);
/*
 * Records an AWS error on the call and returns SIM_ERROR, so handlers can write
 * `return call_error(c, "ParameterNotFound", "Parameter %s not found.", name);`.
 * fmt may be NULL for an error without a message.
 */
int call_error(struct call *c, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like call_error with an explicit HTTP status. */
int call_error_status(struct call *c, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Adds a reply header; the value is copied. */
void call_add_header(struct call *c, const char *name, const char *value);
/*
 * The HTTP status and fault side of the call's error: the model's status for a modeled
 * exception (query and awsQueryCompatible), else SIM_ERR_MAP, else 400 / 500.
 */
int call_error_http_status(const struct call *c, int *sender);
/*
 * The wire form of the call's error for awsJson and RPC v2 CBOR: writes the __type value
 * into type and returns the HTTP status. For an awsQueryCompatible service (CloudWatch) it
 * also adds the x-amzn-query-error header ("QueryCode;Sender"), and the status is the
 * modeled query status only when the request carried x-amzn-query-mode: true, else 400.
 */
int call_error_wire(struct call *c, char *type, size_t type_len);
/* The member name of the error's message as the service models it: "Message" for services
 * such as Application Auto Scaling, "message" otherwise. */
const char *call_error_message_key(const struct call *c);

#endif
