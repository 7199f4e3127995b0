/*
 * sns.c - SNS publishing and delivery (see sns.h and sns_int.h).
 *
 * Publishing keeps the message (sns_messages) and creates one delivery row per confirmed
 * subscription (sns_deliveries) carrying the exact body and Content-Type it is sent with:
 * the AWS message JSON, signed with drillsim's own RSA key (SignatureVersion 1: SHA1withRSA,
 * 2: SHA256withRSA), or the bare message for RawMessageDelivery. Only HTTP/S deliveries are
 * sent; the others (email, sms, sqs, lambda, ...) are recorded with state "recorded", and a
 * filter policy that rejects a message leaves state "filtered".
 *
 * An HTTP/S delivery waits with next_ms set. dispatch_due() starts the deliveries of a team
 * that are due at its sim time - from the engine tick (every second of sim time) and from a
 * zero-delay libuv timer armed by sns_kick() after a publish, so the first attempt does not
 * wait for a tick (a manual clock may never tick). A started delivery is 'sending' until its
 * response arrives (sim/http/outbound.c): a 2xx is delivered; any other 2xx-4xx answer is
 * "rejected" and not retried, as AWS treats status codes 200-4xx; a 5xx, a timeout or no
 * connection is a failed attempt, retried after the delay its policy gives, counted on the
 * team's sim time from the moment the answer arrived, until the retries run out ("failed").
 * Every attempt is logged on the delivery and shown at GET /_drill/sns/messages.
 *
 * The signing key and its self-signed certificate are generated once (OpenSSL) and kept in
 * sns_signing, so signatures verify across restarts; the certificate is served at
 * SigningCertURL, {self_url}/_drill/sns/cert.pem. SubscribeURL and UnsubscribeURL point at
 * drillsim too, with Version=2010-03-31 appended so that the unsigned GET a subscriber makes
 * routes to SNS.
 */
#include "engine/sns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "engine/engine.h"
#include "engine/sns_int.h"
#include "engine/team.h"
#include "http/outbound.h"
#include "sim.h"
#include "store/sns.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/timefmt.h"
#include "util/xmalloc.h"

#define DELIVERY_TIMEOUT_MS 15000 /* AWS waits about 15 s for an HTTP/S endpoint */
#define API_VERSION "2010-03-31"
#define USER_AGENT "Amazon Simple Notification Service Agent"

static struct {
    struct sim *sim;
    uv_timer_t kick;
    int started;
    int kick_armed;
    EVP_PKEY *key;
    char *cert_pem;
} sns;

const char *sns_self_url(const struct sim *sim)
{
    return sim->self_url[0] ? sim->self_url : "http://127.0.0.1:4566";
}

/* ---- the signing key ---------------------------------------------------------------------- */

/* Returns a new PEM string of what write() wrote to a memory BIO, or NULL. */
static char *bio_string(BIO *b)
{
    char *p;
    long n = BIO_get_mem_data(b, &p);
    return n > 0 ? xstrndup(p, (size_t)n) : NULL;
}

/* Generates a 2048-bit RSA key and a self-signed certificate for it. Returns 0 and sets the
 * two PEM strings (caller frees), or -1. */
static int generate_signer(char **key_pem, char **cert_pem)
{
    int rc = -1;
    X509 *x = NULL;
    BIO *kb = NULL, *cb = NULL;
    EVP_PKEY *k = EVP_RSA_gen(2048);
    if (k == NULL)
        goto out;
    x = X509_new();
    if (x == NULL || X509_set_version(x, 2) != 1 ||
        ASN1_INTEGER_set(X509_get_serialNumber(x), 1) != 1 ||
        ASN1_TIME_set_string_X509(X509_getm_notBefore(x), "20000101000000Z") != 1 ||
        ASN1_TIME_set_string_X509(X509_getm_notAfter(x), "20991231235959Z") != 1 ||
        X509_set_pubkey(x, k) != 1)
        goto out;
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"drillsim", -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               (const unsigned char *)"sns.drillsim.local", -1, -1, 0);
    if (X509_set_issuer_name(x, name) != 1 || X509_sign(x, k, EVP_sha256()) == 0)
        goto out;
    kb = BIO_new(BIO_s_mem());
    cb = BIO_new(BIO_s_mem());
    if (kb == NULL || cb == NULL ||
        PEM_write_bio_PrivateKey(kb, k, NULL, NULL, 0, NULL, NULL) != 1 ||
        PEM_write_bio_X509(cb, x) != 1)
        goto out;
    *key_pem = bio_string(kb);
    *cert_pem = bio_string(cb);
    rc = *key_pem && *cert_pem ? 0 : -1;
    if (rc != 0) {
        free(*key_pem);
        free(*cert_pem);
    }
out:
    BIO_free(kb);
    BIO_free(cb);
    X509_free(x);
    EVP_PKEY_free(k);
    return rc;
}

/* Makes sns.key the key the store holds, generating and storing one when it holds none (a
 * new store, or after a reset). Returns 0 or -1. */
static int signer_load(struct sim *sim)
{
    char *key_pem = NULL, *cert_pem = NULL;
    int rc = store_sns_signing_get(sim->store, &key_pem, &cert_pem);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        if (generate_signer(&key_pem, &cert_pem) != 0)
            return -1;
        if (store_sns_signing_put(sim->store, key_pem, cert_pem) != 0) {
            free(key_pem);
            free(cert_pem);
            return -1;
        }
    } else if (sns.key && sns.cert_pem && strcmp(sns.cert_pem, cert_pem) == 0) {
        free(key_pem);
        free(cert_pem);
        return 0;
    }
    BIO *b = BIO_new_mem_buf(key_pem, -1);
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    free(key_pem);
    if (k == NULL) {
        free(cert_pem);
        return -1;
    }
    EVP_PKEY_free(sns.key);
    free(sns.cert_pem);
    sns.key = k;
    sns.cert_pem = cert_pem;
    return 0;
}

char *sns_cert_pem(struct sim *sim)
{
    return signer_load(sim) == 0 ? xstrdup(sns.cert_pem) : NULL;
}

char *sns_sign(struct sim *sim, const char *text, int version)
{
    if (signer_load(sim) != 0)
        return NULL;
    char *out = NULL;
    unsigned char *sig = NULL;
    size_t len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL)
        return NULL;
    const EVP_MD *md = version == 2 ? EVP_sha256() : EVP_sha1();
    if (EVP_DigestSignInit(ctx, NULL, md, NULL, sns.key) != 1 ||
        EVP_DigestSign(ctx, NULL, &len, (const unsigned char *)text, strlen(text)) != 1)
        goto out;
    sig = xmalloc(len);
    if (EVP_DigestSign(ctx, sig, &len, (const unsigned char *)text, strlen(text)) != 1)
        goto out;
    out = xmalloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, sig, (int)len);
out:
    free(sig);
    EVP_MD_CTX_free(ctx);
    return out;
}

/* ---- messages ----------------------------------------------------------------------------- */

/* Formats epoch ms as SNS does: "2012-04-25T21:49:25.719Z" (always with milliseconds). */
static void sns_timestamp(int64_t ms, char out[40])
{
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int frac = (int)(ms - secs * 1000);
    char base[40];
    timefmt_iso8601((double)secs, base);
    size_t n = strlen(base);
    if (n > 0 && base[n - 1] == 'Z')
        base[n - 1] = '\0';
    snprintf(out, 40, "%s.%03dZ", base, frac);
}

/* Everything a message carries that does not depend on the subscription. */
struct outgoing {
    const char *type;
    const char *message_id;
    const char *topic_arn;
    const char *subject;
    const char *message;      /* the default message */
    const cJSON *structure;   /* per-protocol messages, or NULL */
    const cJSON *attributes;  /* MessageAttributes, or NULL */
    const char *sequence_number;
    const char *token;        /* confirmations */
    const char *subscribe_url;
    const char *topic_policy; /* the topic's DeliveryPolicy, or NULL */
    int sig_version;
    char timestamp[40];
};

/* The message a protocol gets: its own entry of a MessageStructure=json message, else the
 * default. */
static const char *message_for(const struct outgoing *o, const char *protocol)
{
    if (o->structure) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o->structure, protocol);
        if (cJSON_IsString(v))
            return v->valuestring;
        v = cJSON_GetObjectItemCaseSensitive(o->structure, "default");
        if (cJSON_IsString(v))
            return v->valuestring;
    }
    return o->message ? o->message : "";
}

/* Serializes a message object as SNS writes HTTP bodies: one member per line, "Key" : value.
 * Returns a new string. */
static char *aws_json_text(const cJSON *obj)
{
    struct buf b;
    buf_init(&b, 8u << 20);
    buf_puts(&b, "{\n");
    const cJSON *m;
    cJSON_ArrayForEach(m, obj)
    {
        char *v = cJSON_PrintUnformatted(m);
        buf_printf(&b, "  \"%s\" : %s%s\n", m->string, v ? v : "null", m->next ? "," : "");
        cJSON_free(v);
    }
    buf_putc(&b, '}');
    return buf_steal(&b, NULL);
}

/* The message JSON for one recipient: built in AWS's member order, then signed. Returns a
 * new object, or NULL when signing failed. */
static cJSON *envelope(struct sim *sim, const struct outgoing *o, const char *message,
                       const char *sub_arn)
{
    int notification = strcmp(o->type, "Notification") == 0;
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "Type", o->type);
    cJSON_AddStringToObject(e, "MessageId", o->message_id);
    if (!notification)
        cJSON_AddStringToObject(e, "Token", o->token ? o->token : "");
    if (o->sequence_number)
        cJSON_AddStringToObject(e, "SequenceNumber", o->sequence_number);
    cJSON_AddStringToObject(e, "TopicArn", o->topic_arn);
    if (notification && o->subject)
        cJSON_AddStringToObject(e, "Subject", o->subject);
    cJSON_AddStringToObject(e, "Message", message);
    if (!notification)
        cJSON_AddStringToObject(e, "SubscribeURL", o->subscribe_url ? o->subscribe_url : "");
    cJSON_AddStringToObject(e, "Timestamp", o->timestamp);
    char *text = sns_string_to_sign(e);
    char *sig = text ? sns_sign(sim, text, o->sig_version) : NULL;
    free(text);
    if (sig == NULL) {
        cJSON_Delete(e);
        return NULL;
    }
    cJSON_AddStringToObject(e, "SignatureVersion", o->sig_version == 2 ? "2" : "1");
    cJSON_AddStringToObject(e, "Signature", sig);
    free(sig);
    char url[256];
    snprintf(url, sizeof url, "%s/_drill/sns/cert.pem", sns_self_url(sim));
    cJSON_AddStringToObject(e, "SigningCertURL", url);
    if (notification) {
        char *unsub = xasprintf("%s/?Action=Unsubscribe&SubscriptionArn=%s&Version=%s",
                                sns_self_url(sim), sub_arn, API_VERSION);
        cJSON_AddStringToObject(e, "UnsubscribeURL", unsub);
        free(unsub);
        if (o->attributes && cJSON_GetArraySize(o->attributes) > 0) {
            cJSON *ma = cJSON_AddObjectToObject(e, "MessageAttributes");
            const cJSON *a;
            cJSON_ArrayForEach(a, o->attributes)
            {
                const cJSON *t = cJSON_GetObjectItemCaseSensitive(a, "DataType");
                const cJSON *sv = cJSON_GetObjectItemCaseSensitive(a, "StringValue");
                const cJSON *bv = cJSON_GetObjectItemCaseSensitive(a, "BinaryValue");
                cJSON *x = cJSON_AddObjectToObject(ma, a->string);
                cJSON_AddStringToObject(x, "Type", cJSON_IsString(t) ? t->valuestring : "");
                cJSON_AddStringToObject(x, "Value", cJSON_IsString(sv)   ? sv->valuestring
                                                    : cJSON_IsString(bv) ? bv->valuestring
                                                                         : "");
            }
        }
    }
    return e;
}

/* Reads one string attribute from a JSON object text; returns a copy or NULL. */
static char *attr_dup(const char *attrs, const char *name)
{
    cJSON *a = attrs ? cJSON_Parse(attrs) : NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, name);
    char *out = cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
    cJSON_Delete(a);
    return out;
}

static int is_http(const char *protocol)
{
    return strcmp(protocol, "http") == 0 || strcmp(protocol, "https") == 0;
}

/* Creates the delivery of message seq (described by o) to sub. Returns 0 or -1. */
static int make_delivery(struct sim *sim, const struct sns_scope *sc, int64_t seq,
                         const struct outgoing *o, const struct sns_sub *sub, int64_t now_ms)
{
    struct sns_delivery d = {0};
    int notification = strcmp(o->type, "Notification") == 0;
    const char *message = message_for(o, sub->protocol);
    char *raw_attr = attr_dup(sub->attrs, "RawMessageDelivery");
    char *filter = attr_dup(sub->attrs, "FilterPolicy");
    char *scope = attr_dup(sub->attrs, "FilterPolicyScope");
    char *sub_policy = attr_dup(sub->attrs, "DeliveryPolicy");
    char *body = NULL;
    cJSON *env = NULL;
    cJSON *policy = NULL;
    char content_type[300];
    int rc = -1;
    d.message_seq = seq;
    d.account = (char *)sc->account;
    d.sub_arn = sub->arn;
    d.protocol = sub->protocol;
    d.endpoint = sub->endpoint;
    d.raw = notification && raw_attr && strcmp(raw_attr, "true") == 0;
    d.last_ms = now_ms;
    snprintf(content_type, sizeof content_type, "%s", SNS_DEFAULT_CONTENT_TYPE);
    struct sns_retry_policy retry;
    sns_retry_default(&retry);
    if (notification && filter &&
        !sns_filter_match(filter, scope && strcmp(scope, "MessageBody") == 0, o->attributes,
                          message)) {
        d.state = "filtered";
        body = xstrdup("");
    } else if (d.raw && (is_http(sub->protocol) || strcmp(sub->protocol, "sqs") == 0 ||
                         strcmp(sub->protocol, "firehose") == 0)) {
        body = xstrdup(message);
    } else if (strcmp(sub->protocol, "email") == 0 || strcmp(sub->protocol, "sms") == 0) {
        if (notification)
            body = xstrdup(message);
        else
            body = xasprintf("%s\n\n%s", message, o->subscribe_url ? o->subscribe_url : "");
    } else {
        env = envelope(sim, o, message, sub->arn);
        if (env == NULL)
            goto out;
        body = aws_json_text(env);
    }
    if (d.state == NULL && is_http(sub->protocol)) {
        sns_delivery_settings(sub_policy, o->topic_policy, &retry, content_type,
                              sizeof content_type);
        if (!notification)
            snprintf(content_type, sizeof content_type, "%s", SNS_DEFAULT_CONTENT_TYPE);
        d.state = "pending";
        d.next_ms = now_ms;
    } else if (d.state == NULL) {
        d.state = "recorded";
    }
    policy = sns_retry_json(&retry);
    char *policy_text = cJSON_PrintUnformatted(policy);
    d.policy = policy_text;
    d.content_type = content_type;
    d.body = body;
    d.log = "[]";
    rc = store_sns_delivery_insert(sc->st, &d);
    cJSON_free(policy_text);
out:
    cJSON_Delete(policy);
    cJSON_Delete(env);
    free(body);
    free(raw_attr);
    free(filter);
    free(scope);
    free(sub_policy);
    return rc;
}

/* Returns the signature version a topic's attributes ask for (1 unless "2"). */
static int topic_sig_version(const char *attrs)
{
    char *v = attr_dup(attrs, "SignatureVersion");
    int version = v && strcmp(v, "2") == 0 ? 2 : 1;
    free(v);
    return version;
}

struct fanout {
    struct sim *sim;
    const struct sns_scope *sc;
    const struct outgoing *o;
    int64_t seq;
    int64_t now_ms;
    char last[512];
    int n;
    int failed;
};

static int fanout_one(void *ctx, const struct sns_sub *s)
{
    struct fanout *f = ctx;
    snprintf(f->last, sizeof f->last, "%s", s->arn);
    f->n++;
    if (strcmp(s->status, "confirmed") != 0)
        return 0;
    if (make_delivery(f->sim, f->sc, f->seq, f->o, s, f->now_ms) != 0) {
        f->failed = 1;
        return -1;
    }
    return 0;
}

int sns_publish_message(struct sim *sim, struct team *team, const struct sns_scope *sc,
                        const struct sns_publish_in *in, int64_t now_ms, char message_id[37])
{
    rng_uuid(&team->ids, message_id);
    struct outgoing o = {
        .type = "Notification",
        .message_id = message_id,
        .topic_arn = in->topic_arn,
        .subject = in->subject,
        .message = in->message,
        .structure = in->structure,
        .attributes = in->attributes,
        .sequence_number = in->sequence_number,
        .topic_policy = NULL,
        .sig_version = topic_sig_version(in->topic_attrs),
    };
    sns_timestamp(now_ms, o.timestamp);
    char *topic_policy = attr_dup(in->topic_attrs, "DeliveryPolicy");
    o.topic_policy = topic_policy;
    char *attrs_text = NULL, *structure_text = NULL;
    if (in->attributes && cJSON_GetArraySize(in->attributes) > 0)
        attrs_text = cJSON_PrintUnformatted(in->attributes);
    if (in->structure)
        structure_text = cJSON_PrintUnformatted(in->structure);
    struct sns_message m = {
        .message_id = message_id,
        .type = "Notification",
        .topic_arn = (char *)in->topic_arn,
        .subject = (char *)in->subject,
        .message = (char *)in->message,
        .structure = structure_text,
        .attributes = attrs_text,
        .group_id = (char *)in->group_id,
        .dedup_id = (char *)in->dedup_id,
        .sequence_number = (char *)in->sequence_number,
        .published_ms = now_ms,
    };
    int rc = store_sns_message_insert(sc, &m);
    struct fanout f = {.sim = sim, .sc = sc, .o = &o, .seq = m.seq, .now_ms = now_ms};
    /* every subscription of the topic, a page at a time */
    while (rc == 0) {
        f.n = 0;
        rc = store_sns_sub_each(sc, in->topic_name, f.last[0] ? f.last : NULL, 100, fanout_one,
                                &f);
        if (rc != 0 || f.failed)
            rc = -1;
        if (f.n < 100)
            break;
    }
    cJSON_free(attrs_text);
    cJSON_free(structure_text);
    free(topic_policy);
    if (rc == 0)
        sns_kick(sim);
    return rc;
}

int sns_publish_sms(struct sim *sim, struct team *team, const struct sns_scope *sc,
                    const char *phone, const char *message, const cJSON *attributes,
                    int64_t now_ms, char message_id[37])
{
    rng_uuid(&team->ids, message_id);
    char *attrs_text = attributes && cJSON_GetArraySize(attributes) > 0
                           ? cJSON_PrintUnformatted(attributes)
                           : NULL;
    struct sns_message m = {
        .message_id = message_id,
        .type = "Notification",
        .target = (char *)phone,
        .message = (char *)message,
        .attributes = attrs_text,
        .published_ms = now_ms,
    };
    int rc = store_sns_message_insert(sc, &m);
    if (rc == 0) {
        struct sns_delivery d = {
            .message_seq = m.seq,
            .account = (char *)sc->account,
            .sub_arn = "",
            .protocol = "sms",
            .endpoint = (char *)phone,
            .state = "recorded",
            .content_type = SNS_DEFAULT_CONTENT_TYPE,
            .body = (char *)message,
            .log = "[]",
            .last_ms = now_ms,
        };
        rc = store_sns_delivery_insert(sc->st, &d);
    }
    cJSON_free(attrs_text);
    (void)sim;
    return rc;
}

int sns_send_confirmation(struct sim *sim, struct team *team, const struct sns_scope *sc,
                          const struct sns_sub *sub, const char *topic_arn, const char *type,
                          int64_t now_ms)
{
    char message_id[37];
    rng_uuid(&team->ids, message_id);
    char *text;
    if (strcmp(type, "UnsubscribeConfirmation") == 0)
        text = xasprintf("You have chosen to deactivate subscription %s.\nTo cancel this "
                         "operation and restore the subscription, visit the SubscribeURL "
                         "included in this message.", sub->arn);
    else
        text = xasprintf("You have chosen to subscribe to the topic %s.\nTo confirm the "
                         "subscription, visit the SubscribeURL included in this message.",
                         topic_arn);
    char *url = xasprintf("%s/?Action=ConfirmSubscription&TopicArn=%s&Token=%s&Version=%s",
                          sns_self_url(sim), topic_arn, sub->token ? sub->token : "",
                          API_VERSION);
    struct sns_topic t = {0};
    const char *name = strrchr(topic_arn, ':');
    int have_topic = name && store_sns_topic_get(sc, name + 1, &t) == 0;
    char *topic_policy = have_topic ? attr_dup(t.attrs, "DeliveryPolicy") : NULL;
    struct outgoing o = {
        .type = type,
        .message_id = message_id,
        .topic_arn = topic_arn,
        .message = text,
        .token = sub->token,
        .subscribe_url = url,
        .topic_policy = topic_policy,
        .sig_version = have_topic ? topic_sig_version(t.attrs) : 1,
    };
    sns_timestamp(now_ms, o.timestamp);
    struct sns_message m = {
        .message_id = message_id,
        .type = (char *)type,
        .topic_arn = (char *)topic_arn,
        .message = text,
        .token = sub->token,
        .sub_arn = sub->arn,
        .published_ms = now_ms,
    };
    int rc = store_sns_message_insert(sc, &m);
    if (rc == 0)
        rc = make_delivery(sim, sc, m.seq, &o, sub, now_ms);
    if (rc == 0)
        sns_kick(sim);
    free(topic_policy);
    store_sns_topic_clear(&t);
    free(text);
    free(url);
    return rc;
}

/* ---- delivery ----------------------------------------------------------------------------- */

/* One delivery attempt in flight. */
struct inflight {
    struct sim *sim;
    char account[13];
    int64_t id;
    int attempt;
};

/* Appends one attempt to a delivery's log (JSON array text); returns the new text. */
static char *log_append(const char *log, int attempt, int64_t at_ms,
                        const struct outbound_response *r)
{
    cJSON *a = cJSON_Parse(log ? log : "[]");
    if (!cJSON_IsArray(a)) {
        cJSON_Delete(a);
        a = cJSON_CreateArray();
    }
    cJSON *e = cJSON_CreateObject();
    char at[40];
    sns_timestamp(at_ms, at);
    cJSON_AddNumberToObject(e, "attempt", attempt);
    cJSON_AddStringToObject(e, "at", at);
    if (r->status)
        cJSON_AddNumberToObject(e, "status", (double)r->status);
    else
        cJSON_AddNullToObject(e, "status");
    if (r->error)
        cJSON_AddStringToObject(e, "error", r->error);
    else if (r->body_len)
        cJSON_AddStringToObject(e, "response", r->body);
    cJSON_AddNumberToObject(e, "elapsedMs", (double)r->elapsed_ms);
    cJSON_AddItemToArray(a, e);
    char *s = cJSON_PrintUnformatted(a);
    char *out = xstrdup(s ? s : "[]");
    cJSON_free(s);
    cJSON_Delete(a);
    return out;
}

static void on_response(void *arg, const struct outbound_response *r)
{
    struct inflight *f = arg;
    if (r->cancelled) {
        free(f);
        return;
    }
    struct sim *sim = f->sim;
    struct store *st = sim->store;
    struct team *team = team_get(sim, f->account);
    int own = !store_in_transaction(st);
    if (own && store_begin(st) != 0)
        goto out;
    struct sns_delivery d = {0};
    if (store_sns_delivery_get(st, f->id, &d) != 0 || strcmp(d.state, "sending") != 0 ||
        d.attempts != f->attempt) {
        /* the store was reset, or the tick that started it was rolled back */
        store_sns_delivery_clear(&d);
        if (own)
            store_commit(st);
        goto out;
    }
    int64_t now = team ? team_now_ms(team) : d.last_ms;
    char *log = log_append(d.log, f->attempt, now, r);
    free(d.log);
    d.log = log;
    free(d.state);
    d.last_ms = now;
    d.next_ms = 0;
    if (r->status >= 200 && r->status < 300) {
        d.state = xstrdup("delivered");
    } else if (r->status >= 300 && r->status < 500) {
        d.state = xstrdup("rejected"); /* AWS does not retry answers in 200-4xx */
    } else {
        struct sns_retry_policy p;
        sns_retry_from_json(d.policy, &p);
        int delay = sns_retry_delay_s(&p, d.attempts);
        if (delay < 0) {
            d.state = xstrdup("failed");
        } else {
            d.state = xstrdup("pending");
            d.next_ms = now + (int64_t)delay * 1000;
        }
    }
    if (store_sns_delivery_update(st, &d) != 0) {
        if (own)
            store_rollback(st);
    } else if (own && store_commit(st) != 0) {
        store_rollback(st);
    }
    store_sns_delivery_clear(&d);
out:
    free(f);
    sns_kick(sim); /* a slot is free: start whatever is due */
}

/* Starts one due delivery: marks it sending and submits the POST. Returns 0, or -1 on a store
 * error or when the request could not be started (it stays due). */
static int start_delivery(struct sim *sim, int64_t id, int64_t now_ms)
{
    struct store *st = sim->store;
    struct sns_delivery d = {0};
    struct sns_message m = {0};
    char *hdr[10] = {0}; /* at most 8 headers and the NULL that ends them */
    int rc = -1;
    if (store_sns_delivery_get(st, id, &d) != 0 || store_sns_message_get(st, d.message_seq, &m))
        goto out;
    d.attempts++;
    d.next_ms = 0;
    d.last_ms = now_ms;
    free(d.state);
    d.state = xstrdup("sending");
    if (store_sns_delivery_update(st, &d) != 0)
        goto out;
    int n = 0;
    hdr[n++] = xasprintf("Content-Type: %s", d.content_type);
    hdr[n++] = xasprintf("User-Agent: %s", USER_AGENT);
    hdr[n++] = xstrdup("Accept-Encoding: gzip,deflate");
    hdr[n++] = xasprintf("x-amz-sns-message-type: %s", m.type);
    hdr[n++] = xasprintf("x-amz-sns-message-id: %s", m.message_id);
    hdr[n++] = xasprintf("x-amz-sns-topic-arn: %s", m.topic_arn ? m.topic_arn : "");
    if (strcmp(m.type, "SubscriptionConfirmation") != 0)
        hdr[n++] = xasprintf("x-amz-sns-subscription-arn: %s", d.sub_arn);
    if (d.raw)
        hdr[n++] = xstrdup("x-amz-sns-rawdelivery: true");
    struct inflight *f = xcalloc(1, sizeof *f);
    f->sim = sim;
    snprintf(f->account, sizeof f->account, "%s", d.account);
    f->id = d.id;
    f->attempt = d.attempts;
    struct outbound_request req = {
        .method = "POST",
        .url = d.endpoint,
        .headers = (const char *const *)hdr,
        .body = d.body,
        .body_len = strlen(d.body),
        .timeout_ms = DELIVERY_TIMEOUT_MS,
        .done = on_response,
        .arg = f,
    };
    if (outbound_submit(&req) != 0) {
        free(f);
        /* not started (no capacity, or not an http(s) URL): record it as a failed attempt */
        struct outbound_response r = {.error = "the request could not be started"};
        char *log = log_append(d.log, d.attempts, now_ms, &r);
        free(d.log);
        d.log = log;
        free(d.state);
        d.state = xstrdup("failed");
        store_sns_delivery_update(st, &d);
        goto out;
    }
    rc = 0;
out:
    for (int i = 0; i < 10; i++)
        free(hdr[i]);
    store_sns_delivery_clear(&d);
    store_sns_message_clear(&m);
    return rc;
}

/* Starts the account's deliveries that are due at now_ms, as many as the outbound client has
 * room for. Runs inside the caller's transaction. */
static void dispatch_due(struct sim *sim, const char *account, int64_t now_ms)
{
    int cap = outbound_capacity();
    if (cap <= 0)
        return;
    int64_t ids[OUTBOUND_MAX_ACTIVE];
    if (cap > OUTBOUND_MAX_ACTIVE)
        cap = OUTBOUND_MAX_ACTIVE;
    int n = store_sns_delivery_due(sim->store, account, now_ms, ids, cap);
    for (int i = 0; i < n; i++)
        start_delivery(sim, ids[i], now_ms);
}

static void on_kick(uv_timer_t *t)
{
    struct sim *sim = t->data;
    sns.kick_armed = 0;
    struct store *st = sim->store;
    if (store_in_transaction(st) || store_begin(st) != 0)
        return;
    for (struct team *tm = team_first(sim); tm; tm = tm->next)
        dispatch_due(sim, tm->account, team_now_ms(tm));
    if (store_commit(st) != 0)
        store_rollback(st);
}

void sns_kick(struct sim *sim)
{
    (void)sim;
    if (!sns.started || sns.kick_armed)
        return;
    sns.kick_armed = 1;
    uv_timer_start(&sns.kick, on_kick, 0, 0);
}

int sns_tick(struct tick *t)
{
    if (sns.started)
        dispatch_due(t->sim, t->team->account, t->now_ms);
    return 0;
}

int sns_start(struct sim *sim, uv_loop_t *loop)
{
    sns.sim = sim;
    uv_timer_init(loop, &sns.kick);
    sns.kick.data = sim;
    store_sns_delivery_recover(sim->store);
    if (outbound_start(loop) != 0) {
        uv_close((uv_handle_t *)&sns.kick, NULL);
        return -1;
    }
    sns.started = 1;
    sns_kick(sim);
    return 0;
}

void sns_stop(void)
{
    if (sns.started) {
        sns.started = 0;
        outbound_stop();
        uv_timer_stop(&sns.kick);
        uv_close((uv_handle_t *)&sns.kick, NULL);
    }
    EVP_PKEY_free(sns.key);
    free(sns.cert_pem);
    sns.key = NULL;
    sns.cert_pem = NULL;
}

/* ---- sns_publish (CloudWatch alarm actions) ---------------------------------------------- */

int sns_publish(struct sim *sim, struct team *team, const char *topic_arn, const char *subject,
                const char *message, const cJSON *attributes, int64_t now_ms,
                char message_id[37])
{
    /* arn:aws:sns:REGION:ACCOUNT:NAME */
    char region[32], account[13], name[257];
    if (topic_arn == NULL ||
        sscanf(topic_arn, "arn:aws:sns:%31[^:]:%12[^:]:%256[^:]", region, account, name) != 3 ||
        strcmp(account, team->account) != 0)
        return 1;
    struct sns_scope sc = {sim->store, account, region};
    int own = !store_in_transaction(sim->store);
    if (own && store_begin(sim->store) != 0)
        return -1;
    struct sns_topic t = {0};
    int rc = store_sns_topic_get(&sc, name, &t);
    if (rc == 0 && strcmp(t.arn, topic_arn) != 0)
        rc = 1;
    char seqtext[32] = "";
    if (rc == 0 && strstr(name, ".fifo")) {
        int64_t seq;
        rc = store_sns_topic_next_seq(&sc, name, &seq) == 0 ? 0 : -1;
        sns_sequence_number(seq, seqtext);
    }
    if (rc == 0) {
        struct sns_publish_in in = {
            .topic_arn = t.arn,
            .topic_name = t.name,
            .topic_attrs = t.attrs,
            .subject = subject,
            .message = message ? message : "",
            .attributes = attributes,
            .sequence_number = seqtext[0] ? seqtext : NULL,
        };
        rc = sns_publish_message(sim, team, &sc, &in, now_ms, message_id);
    }
    store_sns_topic_clear(&t);
    if (own) {
        if (rc == 0 && (team_save(sim, team) != 0 || store_commit(sim->store) != 0))
            rc = -1;
        if (rc != 0)
            store_rollback(sim->store);
    }
    return rc;
}

/* ---- GET /_drill/sns/messages ------------------------------------------------------------ */

struct delivery_ctx {
    cJSON *arr;
    size_t *bytes;
};

static int delivery_json(void *ctx, const struct sns_delivery *d)
{
    struct delivery_ctx *dc = ctx;
    cJSON *arr = dc->arr;
    *dc->bytes += strlen(d->body) + strlen(d->log) + 256;
    cJSON *o = cJSON_CreateObject();
    if (d->sub_arn[0])
        cJSON_AddStringToObject(o, "subscriptionArn", d->sub_arn);
    cJSON_AddStringToObject(o, "protocol", d->protocol);
    cJSON_AddStringToObject(o, "endpoint", d->endpoint);
    cJSON_AddStringToObject(o, "state", d->state);
    cJSON_AddNumberToObject(o, "attempts", d->attempts);
    if (d->next_ms) {
        char at[40];
        sns_timestamp(d->next_ms, at);
        cJSON_AddStringToObject(o, "nextAttemptAt", at);
    }
    cJSON_AddBoolToObject(o, "rawMessageDelivery", d->raw);
    cJSON_AddStringToObject(o, "contentType", d->content_type);
    cJSON_AddStringToObject(o, "body", d->body);
    cJSON *log = cJSON_Parse(d->log);
    cJSON_AddItemToObject(o, "log", cJSON_IsArray(log) ? log : cJSON_CreateArray());
    if (!cJSON_IsArray(log))
        cJSON_Delete(log);
    cJSON_AddItemToArray(arr, o);
    return 0;
}

/* A listing stops after this many bytes of messages and bodies (and gives a nextToken), so
 * the reply stays well under the reply buffer's cap whatever the limit asked for. */
#define LIST_MAX_BYTES (8u << 20)

struct list_ctx {
    struct store *st;
    cJSON *arr;
    int64_t last;
    int n;
    size_t bytes;
    int full;
};

static int message_json(void *ctx, const struct sns_message *m)
{
    struct list_ctx *l = ctx;
    cJSON *o = cJSON_CreateObject();
    char at[40];
    sns_timestamp(m->published_ms, at);
    cJSON_AddStringToObject(o, "messageId", m->message_id);
    cJSON_AddStringToObject(o, "type", m->type);
    cJSON_AddStringToObject(o, "region", m->region);
    if (m->topic_arn)
        cJSON_AddStringToObject(o, "topicArn", m->topic_arn);
    if (m->target)
        cJSON_AddStringToObject(o, "phoneNumber", m->target);
    if (m->subject)
        cJSON_AddStringToObject(o, "subject", m->subject);
    cJSON_AddStringToObject(o, "message", m->message);
    if (m->structure)
        cJSON_AddStringToObject(o, "messageStructure", "json");
    if (m->attributes) {
        cJSON *a = cJSON_Parse(m->attributes);
        if (a)
            cJSON_AddItemToObject(o, "messageAttributes", a);
    }
    if (m->group_id)
        cJSON_AddStringToObject(o, "messageGroupId", m->group_id);
    if (m->dedup_id)
        cJSON_AddStringToObject(o, "messageDeduplicationId", m->dedup_id);
    if (m->sequence_number)
        cJSON_AddStringToObject(o, "sequenceNumber", m->sequence_number);
    if (m->token)
        cJSON_AddStringToObject(o, "token", m->token);
    if (m->sub_arn)
        cJSON_AddStringToObject(o, "subscriptionArn", m->sub_arn);
    cJSON_AddStringToObject(o, "timestamp", at);
    struct delivery_ctx dc = {cJSON_AddArrayToObject(o, "deliveries"), &l->bytes};
    cJSON_AddItemToArray(l->arr, o);
    l->last = m->seq;
    l->n++;
    l->bytes += strlen(m->message) + 512;
    if (store_sns_delivery_each(l->st, m->seq, delivery_json, &dc) != 0)
        return -1;
    if (l->bytes > LIST_MAX_BYTES) {
        l->full = 1;
        return 1;
    }
    return 0;
}

cJSON *sns_messages_json(struct sim *sim, const char *account, const char *topic_arn,
                         int64_t after, int limit)
{
    cJSON *out = cJSON_CreateObject();
    struct list_ctx l = {.st = sim->store, .arr = cJSON_AddArrayToObject(out, "messages")};
    if (store_sns_message_each(sim->store, account, topic_arn, after, limit, message_json, &l) !=
        0) {
        cJSON_Delete(out);
        return NULL;
    }
    if (l.n == limit || l.full) {
        char tok[32];
        snprintf(tok, sizeof tok, "%lld", (long long)l.last);
        cJSON_AddStringToObject(out, "nextToken", tok);
    }
    return out;
}
