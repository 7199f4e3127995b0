/*
 * cbor.c - smithy RPC v2 CBOR (aws-wire-protocols.md section 4): CloudWatch for the Go SDK v2,
 * and for botocore or JS when they are told to prefer CBOR.
 *
 * Routing is done by sim/http/route.c (POST /service/<Svc>/operation/<Op> with the header
 * smithy-protocol: rpc-v2-cbor); this file turns the body into the neutral document and the
 * result or error back into CBOR.
 *
 * Decoding uses libcbor's streaming decoder (cbor_stream_decode), not cbor_load. The streaming
 * decoder only parses one item head per call and allocates nothing, so the neutral cJSON tree
 * is built directly from its callbacks, without an intermediate libcbor item tree, and every
 * bound is checked before anything is allocated: cbor_load would, for instance, allocate the
 * slots for a definite array as soon as it reads a header that claims 2^32 elements. A small
 * explicit stack of frames (arrays, maps, indefinite-length strings) replaces recursion, so
 * hostile nesting is stopped at CBOR_MAX_DEPTH and cannot exhaust the C stack. The mapping:
 *   map with text keys -> object     array -> array        text string -> string (UTF-8
 *   byte string -> base64 string     uint / negint (64-bit) -> number      checked, no U+0000)
 *   half / single / double float -> number (NaN and infinities stay numbers; handlers decide)
 *   true / false -> bool             null / undefined -> null
 *   tag 0 (date/time text) -> the string (neutral_check turns ISO 8601 into epoch seconds)
 *   tag 1 (epoch seconds) on an int or float -> the number
 *   tag 2 / 3 (bignum) -> a number when the magnitude fits in 64 bits, the range of the major
 *       types 0 and 1; larger bignums are a SerializationException (no modeled type holds them)
 *   tag 4 / 5 (decimal fraction / bigfloat [exponent, mantissa]) -> the number it denotes
 *   any other tag (55799 self-describe, 21-23, 32, ...) -> the tagged value, unchanged;
 *   but libcbor 0.8 itself rejects tags 6-20 in their one-byte form (c6-d4) and the simple
 *   values other than false/true/null/undefined, which therefore are malformed here.
 * Nested tags are applied innermost first (c1 c2 41 05 is the number 5). Indefinite-length
 * strings, arrays and maps are accepted anywhere; the chunks of a string must be definite
 * strings of the same major type. Anything malformed, truncated, trailing the top-level map,
 * a top level that is not a map, a key that is not a text string, nesting deeper than
 * CBOR_MAX_DEPTH, more than CBOR_MAX_ITEMS items or a tag misused is a SerializationException
 * (HTTP 400). Duplicate keys are kept as they come, as the JSON codec does (cJSON finds the
 * first). The document is then type-checked against the operation's input shape by
 * neutral_check().
 *
 * Encoding does not use libcbor at all: a dozen lines of CBOR writer emit straight into
 * c->body (a bounded struct buf), walking the operation's output shape together with c->out.
 * Structures and maps become definite-length maps in the document's member order (model member
 * names as keys; members the model does not know and null members are left out), lists become
 * arrays, strings text, integer/long major type 0/1, float/double float64 (fb), timestamps tag
 * 1 plus an integer for whole seconds or a float64, blobs byte strings (the base64 decoded).
 * A value whose JSON type does not fit its shape is written by its own JSON type, which is
 * what the JSON codec does too. Text that is not valid UTF-8 (possible when it came in through
 * another protocol) is written with U+FFFD for each bad byte, so a client never sees invalid
 * CBOR. Every reply, errors included, carries Content-Type: application/cbor and
 * smithy-protocol: rpc-v2-cbor (the Go SDK rejects a reply without it); success is exactly
 * 200 and an operation without output answers a0.
 *
 * To support another tag: add a case to apply_tags(). To support a new model kind: add a case
 * to value_to_json() (decoding) and enc_value() (encoding), and a round trip to
 * tests/unit/protocol/cbor.c.
 */
#include <cbor.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/neutral.h"
#include "protocol/proto.h"
#include "services/service.h"
#include "sim.h"
#include "util/buf.h"
#include "util/timefmt.h"
#include "util/xmalloc.h"

#define CBOR_MAX_DEPTH 64         /* open containers and strings; the top-level map is 1 */
#define CBOR_MAX_TAGS 8           /* tags stacked on one item */
#define CBOR_MAX_ITEMS (1u << 20) /* data items in one request body */
#define ENC_MEMBERS 32            /* structure members looked up once when encoding */

#define TWO_POW_63 9223372036854775808.0
#define TWO_POW_64 18446744073709551616.0

/* ---- UTF-8 --------------------------------------------------------------------------------- */

/*
 * Returns the length (1 to 4) of the well-formed UTF-8 sequence at s[0..n), or 0 when it is
 * not one (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, cut off).
 * U+0000 counts as well-formed; callers that cannot hold it check for it themselves.
 */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char ch = s[0];
    size_t need;
    uint32_t cp, min;
    if (ch < 0x80)
        return 1;
    if ((ch & 0xe0) == 0xc0) {
        need = 1;
        cp = ch & 0x1f;
        min = 0x80;
    } else if ((ch & 0xf0) == 0xe0) {
        need = 2;
        cp = ch & 0x0f;
        min = 0x800;
    } else if ((ch & 0xf8) == 0xf0) {
        need = 3;
        cp = ch & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n - 1 < need)
        return 0;
    for (size_t k = 1; k <= need; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return need + 1;
}

/* Returns 0 if s[0..n) is well-formed UTF-8 without U+0000, -1 if it is not UTF-8, -2 if it
 * holds U+0000 (which a C string, and so the neutral document, cannot carry). */
static int utf8_check(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] == 0)
            return -2;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_seq(s + i, n - i);
        if (k == 0)
            return -1;
        i += k;
    }
    return 0;
}

/* ---- base64 (blobs travel as base64 strings in the neutral document) ------------------------ */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Writes the padded base64 form of p[0..n) and a NUL to out, which holds 4*((n+2)/3)+1. */
static void b64_encode(const unsigned char *p, size_t n, char *out)
{
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        *out++ = b64_alphabet[v >> 18];
        *out++ = b64_alphabet[(v >> 12) & 63];
        *out++ = b64_alphabet[(v >> 6) & 63];
        *out++ = b64_alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        *out++ = b64_alphabet[v >> 18];
        *out++ = b64_alphabet[(v >> 12) & 63];
        *out++ = '=';
        *out++ = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        *out++ = b64_alphabet[v >> 18];
        *out++ = b64_alphabet[(v >> 12) & 63];
        *out++ = b64_alphabet[(v >> 6) & 63];
        *out++ = '=';
    }
    *out = '\0';
}

static int b64_value(unsigned char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+' || ch == '-')
        return 62;
    if (ch == '/' || ch == '_')
        return 63;
    return -1;
}

/*
 * Decodes base64 text s (standard or URL alphabet, padding optional) into out, which holds at
 * least 3*(strlen(s)/4)+3 bytes. Returns the number of bytes written, or -1 if s is not base64.
 */
static long b64_decode(const char *s, unsigned char *out)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '=')
        n--;
    if (n % 4 == 1 || strlen(s) - n > 2)
        return -1;
    long o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value((unsigned char)s[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return o;
}

/* ---- decoding ------------------------------------------------------------------------------- */

/* One finished data item, before it becomes a cJSON node (tags need the CBOR type). */
enum val_kind { V_UINT, V_NEGINT, V_FLOAT, V_BYTES, V_TEXT, V_BOOL, V_NULL, V_NODE };

struct val {
    enum val_kind kind;
    uint64_t u;                 /* V_UINT: the value; V_NEGINT: n, the value being -1-n */
    double d;                   /* V_FLOAT */
    int b;                      /* V_BOOL */
    const unsigned char *p;     /* V_BYTES, V_TEXT: not NUL-terminated */
    size_t n;
    cJSON *node;                /* V_NODE: a finished array or object (owned) */
};

enum frame_kind { FR_ARRAY, FR_MAP, FR_BYTES, FR_TEXT };

/* An open container or indefinite-length string. */
struct frame {
    enum frame_kind kind;
    int indefinite;
    uint64_t left;  /* definite: items still to come (a map counts keys and values) */
    uint64_t count; /* items so far; in a map, an even count means a key comes next */
    cJSON *node;    /* arrays and maps (owned until closed) */
    char *key;      /* maps: the key waiting for its value (owned, malloc) */
    uint64_t tags[CBOR_MAX_TAGS]; /* the tags on this item, applied when it closes */
    int ntags;
};

struct dec {
    struct call *c;
    struct frame stack[CBOR_MAX_DEPTH];
    int depth;
    uint64_t tags[CBOR_MAX_TAGS]; /* tags read for the next item, outermost first */
    int ntags;
    size_t items;
    size_t pos;         /* offset of the item head being decoded, for messages */
    struct buf chunks;  /* the indefinite-length string being assembled */
    cJSON *root;
    int failed;
};

enum item_class { IC_MAP, IC_TEXT, IC_OTHER };

static cJSON *jcheck(cJSON *j)
{
    if (j == NULL) {
        fprintf(stderr, "drillsim: out of memory building a cJSON node\n");
        abort();
    }
    return j;
}

/* Records the first decoding error as a SerializationException; later ones are dropped. */
static void dec_fail(struct dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void dec_fail(struct dec *d, const char *fmt, ...)
{
    if (d->failed)
        return;
    d->failed = 1;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    call_error(d->c, "SerializationException", "Invalid CBOR request body: %s (at byte %zu)",
               msg, d->pos);
}

static struct frame *dec_top(struct dec *d)
{
    return d->depth > 0 ? &d->stack[d->depth - 1] : NULL;
}

static int frame_is_string(const struct frame *f)
{
    return f && (f->kind == FR_BYTES || f->kind == FR_TEXT);
}

/*
 * Admits the next data item (not a tag, not a break, not a string chunk): checks that one may
 * start here and counts it. Returns 0, or -1 with the error recorded.
 */
static int dec_begin(struct dec *d, enum item_class cls)
{
    if (d->failed)
        return -1;
    struct frame *f = dec_top(d);
    if (++d->items > CBOR_MAX_ITEMS) {
        dec_fail(d, "more than %u data items", CBOR_MAX_ITEMS);
        return -1;
    }
    if (f == NULL) {
        if (cls != IC_MAP) {
            dec_fail(d, "the top level must be a map");
            return -1;
        }
        return 0;
    }
    if (frame_is_string(f)) {
        dec_fail(d, "an indefinite-length string may only hold definite strings of its type");
        return -1;
    }
    if (f->kind == FR_MAP && f->count % 2 == 0 && cls != IC_TEXT) {
        dec_fail(d, "map keys must be text strings");
        return -1;
    }
    return 0;
}

/* Converts the magnitude of a bignum to a 64-bit value; returns 0, or -1 if it is wider. */
static int bignum_u64(const unsigned char *p, size_t n, uint64_t *out)
{
    while (n > 0 && *p == 0) {
        p++;
        n--;
    }
    if (n > 8)
        return -1;
    uint64_t u = 0;
    for (size_t i = 0; i < n; i++)
        u = (u << 8) | p[i];
    *out = u;
    return 0;
}

static double negint_value(uint64_t n)
{
    if (n <= (uint64_t)INT64_MAX)
        return (double)(-(int64_t)n - 1); /* exact, then one rounding */
    return -1.0 - (double)n;
}

/* [exponent, mantissa] of a decimal fraction (tag 4, base 10) or bigfloat (tag 5, base 2). */
static int fraction_value(struct dec *d, cJSON *arr, int base, double *out)
{
    cJSON *e = cJSON_IsArray(arr) ? arr->child : NULL;
    cJSON *m = e ? e->next : NULL;
    if (m == NULL || m->next != NULL || !cJSON_IsNumber(e) || !cJSON_IsNumber(m) ||
        e->valuedouble != floor(e->valuedouble) || m->valuedouble != floor(m->valuedouble) ||
        !isfinite(e->valuedouble) || !isfinite(m->valuedouble)) {
        dec_fail(d, "tag %d needs an array of two integers", base == 10 ? 4 : 5);
        return -1;
    }
    double ex = e->valuedouble, v;
    if (base == 2)
        v = ldexp(m->valuedouble, ex < -4096 ? -4096 : ex > 4096 ? 4096 : (int)ex);
    else if (ex < 0)
        v = m->valuedouble / pow(10.0, -ex);
    else
        v = m->valuedouble * pow(10.0, ex);
    if (!isfinite(v)) {
        dec_fail(d, "tag %d value out of range", base == 10 ? 4 : 5);
        return -1;
    }
    *out = v;
    return 0;
}

/* Applies tags[0..n) to v, innermost (last) first. Returns 0, or -1 with the error recorded;
 * v keeps ownership of its node either way. */
static int apply_tags(struct dec *d, struct val *v, const uint64_t *tags, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        switch (tags[i]) {
        case 0: /* standard date/time string */
            if (v->kind != V_TEXT) {
                dec_fail(d, "tag 0 must enclose a text string");
                return -1;
            }
            break;
        case 1: /* epoch-based date/time */
            if (v->kind != V_UINT && v->kind != V_NEGINT && v->kind != V_FLOAT) {
                dec_fail(d, "tag 1 must enclose a number");
                return -1;
            }
            break;
        case 2: /* unsigned bignum */
        case 3: /* negative bignum, -1-n */
            if (v->kind != V_BYTES) {
                dec_fail(d, "tag %d must enclose a byte string", (int)tags[i]);
                return -1;
            }
            if (bignum_u64(v->p, v->n, &v->u)) {
                dec_fail(d, "bignum wider than 64 bits");
                return -1;
            }
            v->kind = tags[i] == 2 ? V_UINT : V_NEGINT;
            break;
        case 4: /* decimal fraction */
        case 5: /* bigfloat */
            if (v->kind != V_NODE) {
                dec_fail(d, "tag %d must enclose an array", (int)tags[i]);
                return -1;
            }
            double f;
            if (fraction_value(d, v->node, tags[i] == 4 ? 10 : 2, &f))
                return -1;
            cJSON_Delete(v->node);
            v->node = NULL;
            v->kind = V_FLOAT;
            v->d = f;
            break;
        default:
            /* Self-describe (55799) and tags without a meaning for the neutral document:
             * the value stands for itself. */
            break;
        }
    }
    return 0;
}

/*
 * Returns a string node that owns s (malloc'ed), saving cJSON_CreateString's strlen and copy.
 * cJSON frees valuestring with its deallocator, which is free() here (default hooks, as the
 * rest of drillsim assumes).
 */
static cJSON *json_string_take(char *s)
{
    cJSON *item = jcheck(cJSON_CreateNull());
    item->type = cJSON_String;
    item->valuestring = s;
    return item;
}

/* Turns v into a cJSON node; takes ownership of v's node. */
static cJSON *value_to_json(struct val *v)
{
    switch (v->kind) {
    case V_UINT:
        return jcheck(cJSON_CreateNumber((double)v->u));
    case V_NEGINT:
        return jcheck(cJSON_CreateNumber(negint_value(v->u)));
    case V_FLOAT:
        return jcheck(cJSON_CreateNumber(v->d));
    case V_BOOL:
        return jcheck(cJSON_CreateBool(v->b));
    case V_NULL:
        return jcheck(cJSON_CreateNull());
    case V_NODE: {
        cJSON *node = v->node;
        v->node = NULL;
        return node;
    }
    case V_BYTES: {
        char *s = xmalloc((v->n + 2) / 3 * 4 + 1);
        b64_encode(v->p, v->n, s);
        return json_string_take(s);
    }
    case V_TEXT:
    default: {
        char *s = xmalloc(v->n + 1);
        memcpy(s, v->p, v->n);
        s[v->n] = '\0';
        return json_string_take(s);
    }
    }
}

/*
 * Hands a finished item to the innermost open container (or makes it the document), after
 * applying tags[0..ntags). Closes every definite container the item completes. Takes
 * ownership of v's node.
 */
static void dec_emit(struct dec *d, struct val *v, const uint64_t *tags, int ntags)
{
    for (;;) {
        if (ntags > 0 && apply_tags(d, v, tags, ntags)) {
            cJSON_Delete(v->node);
            return;
        }
        struct frame *f = dec_top(d);
        if (f == NULL) {
            /* dec_begin let only a map start the top level; tags cannot change that */
            d->root = v->node;
            return;
        }
        if (f->kind == FR_MAP && f->count % 2 == 0) {
            if (v->kind != V_TEXT) { /* a tagged key that stopped being text */
                dec_fail(d, "map keys must be text strings");
                cJSON_Delete(v->node);
                return;
            }
            f->key = xstrndup((const char *)v->p, v->n);
        } else {
            cJSON *item = value_to_json(v);
            if (f->kind == FR_MAP) {
                item->string = f->key; /* cJSON frees it with the item (default hooks: free) */
                f->key = NULL;
            }
            cJSON_AddItemToArray(f->node, item);
        }
        f->count++;
        if (f->indefinite || --f->left > 0)
            return;
        /* The definite container is complete: close it and hand it on. Its slot (and its
         * tags) stay intact after the pop, as nothing is pushed while an item is emitted. */
        d->depth--;
        *v = (struct val){.kind = V_NODE, .node = f->node};
        tags = f->tags;
        ntags = f->ntags;
    }
}

/* A scalar item is complete. */
static void dec_scalar(struct dec *d, struct val *v, enum item_class cls)
{
    if (dec_begin(d, cls))
        return;
    int ntags = d->ntags;
    d->ntags = 0; /* d->tags stays intact while the item is emitted */
    dec_emit(d, v, d->tags, ntags);
}

/* Opens a container or indefinite-length string frame that takes the pending tags. */
static struct frame *dec_push(struct dec *d, enum frame_kind kind)
{
    if (d->depth == CBOR_MAX_DEPTH) {
        dec_fail(d, "nested deeper than %d levels", CBOR_MAX_DEPTH);
        return NULL;
    }
    struct frame *f = &d->stack[d->depth++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    memcpy(f->tags, d->tags, sizeof f->tags);
    f->ntags = d->ntags;
    d->ntags = 0;
    return f;
}

static void dec_container(struct dec *d, enum frame_kind kind, int indefinite, size_t size)
{
    if (dec_begin(d, kind == FR_MAP ? IC_MAP : IC_OTHER))
        return;
    if (kind == FR_MAP && !indefinite && size > SIZE_MAX / 2) {
        dec_fail(d, "map length out of range");
        return;
    }
    struct frame *f = dec_push(d, kind);
    if (f == NULL)
        return;
    f->indefinite = indefinite;
    f->left = kind == FR_MAP ? (uint64_t)size * 2 : size;
    f->node = jcheck(kind == FR_MAP ? cJSON_CreateObject() : cJSON_CreateArray());
    if (!indefinite && size == 0) {
        /* complete already: pop it and emit it */
        d->depth--;
        struct val v = {.kind = V_NODE, .node = f->node};
        dec_emit(d, &v, f->tags, f->ntags);
    }
}

/* A definite string: a chunk of the open indefinite string, or an item of its own. */
static void dec_string(struct dec *d, int text, const unsigned char *p, size_t n)
{
    if (d->failed)
        return;
    if (text) {
        int bad = utf8_check(p, n);
        if (bad) {
            dec_fail(d, bad == -2 ? "text strings must not contain U+0000"
                                  : "text string is not valid UTF-8");
            return;
        }
    }
    struct frame *f = dec_top(d);
    if (frame_is_string(f)) {
        if ((f->kind == FR_TEXT) != text || d->ntags > 0) {
            dec_fail(d, "an indefinite-length string may only hold definite strings of its type");
            return;
        }
        if (buf_append(&d->chunks, p, n))
            dec_fail(d, "string too long");
        return;
    }
    struct val v = {.kind = text ? V_TEXT : V_BYTES, .p = p, .n = n};
    dec_scalar(d, &v, text ? IC_TEXT : IC_OTHER);
}

static void dec_string_start(struct dec *d, int text)
{
    if (dec_begin(d, text ? IC_TEXT : IC_OTHER))
        return;
    struct frame *f = dec_push(d, text ? FR_TEXT : FR_BYTES);
    if (f == NULL)
        return;
    f->indefinite = 1;
    buf_reset(&d->chunks);
}

static void dec_break(struct dec *d)
{
    if (d->failed)
        return;
    struct frame *f = dec_top(d);
    if (f == NULL || !f->indefinite) {
        dec_fail(d, "unexpected break");
        return;
    }
    if (d->ntags > 0) {
        dec_fail(d, "a tag must be followed by a data item");
        return;
    }
    if (f->kind == FR_MAP && f->count % 2 != 0) {
        dec_fail(d, "map key without a value");
        return;
    }
    d->depth--; /* f stays intact: nothing is pushed while an item is emitted */
    struct val v;
    if (frame_is_string(f)) {
        v = (struct val){.kind = f->kind == FR_TEXT ? V_TEXT : V_BYTES,
                         .p = (const unsigned char *)(d->chunks.p ? d->chunks.p : ""),
                         .n = d->chunks.len};
    } else {
        v = (struct val){.kind = V_NODE, .node = f->node};
    }
    dec_emit(d, &v, f->tags, f->ntags);
}

static void cb_uint(struct dec *d, uint64_t u)
{
    struct val v = {.kind = V_UINT, .u = u};
    dec_scalar(d, &v, IC_OTHER);
}

static void cb_negint(struct dec *d, uint64_t n)
{
    struct val v = {.kind = V_NEGINT, .u = n};
    dec_scalar(d, &v, IC_OTHER);
}

static void cb_double(struct dec *d, double x)
{
    struct val v = {.kind = V_FLOAT, .d = x};
    dec_scalar(d, &v, IC_OTHER);
}

/* libcbor's callback signatures, each forwarding to the helpers above. */
static void cb_uint8(void *ctx, uint8_t u)
{
    cb_uint(ctx, u);
}

static void cb_uint16(void *ctx, uint16_t u)
{
    cb_uint(ctx, u);
}

static void cb_uint32(void *ctx, uint32_t u)
{
    cb_uint(ctx, u);
}

static void cb_uint64(void *ctx, uint64_t u)
{
    cb_uint(ctx, u);
}

static void cb_negint8(void *ctx, uint8_t n)
{
    cb_negint(ctx, n);
}

static void cb_negint16(void *ctx, uint16_t n)
{
    cb_negint(ctx, n);
}

static void cb_negint32(void *ctx, uint32_t n)
{
    cb_negint(ctx, n);
}

static void cb_negint64(void *ctx, uint64_t n)
{
    cb_negint(ctx, n);
}

static void cb_float(void *ctx, float x)
{
    cb_double(ctx, x);
}

static void cb_float8(void *ctx, double x)
{
    cb_double(ctx, x);
}

static void cb_bytes(void *ctx, cbor_data p, size_t n)
{
    dec_string(ctx, 0, p, n);
}

static void cb_text(void *ctx, cbor_data p, size_t n)
{
    dec_string(ctx, 1, p, n);
}

static void cb_bytes_start(void *ctx)
{
    dec_string_start(ctx, 0);
}

static void cb_text_start(void *ctx)
{
    dec_string_start(ctx, 1);
}

static void cb_array_start(void *ctx, size_t n)
{
    dec_container(ctx, FR_ARRAY, 0, n);
}

static void cb_indef_array_start(void *ctx)
{
    dec_container(ctx, FR_ARRAY, 1, 0);
}

static void cb_map_start(void *ctx, size_t n)
{
    dec_container(ctx, FR_MAP, 0, n);
}

static void cb_indef_map_start(void *ctx)
{
    dec_container(ctx, FR_MAP, 1, 0);
}

static void cb_tag(void *ctx, uint64_t tag)
{
    struct dec *d = ctx;
    if (d->failed)
        return;
    if (frame_is_string(dec_top(d))) {
        dec_fail(d, "an indefinite-length string may only hold definite strings of its type");
        return;
    }
    if (d->ntags == CBOR_MAX_TAGS) {
        dec_fail(d, "more than %d nested tags", CBOR_MAX_TAGS);
        return;
    }
    d->tags[d->ntags++] = tag;
}

static void cb_bool(void *ctx, bool b)
{
    struct val v = {.kind = V_BOOL, .b = b};
    dec_scalar(ctx, &v, IC_OTHER);
}

static void cb_null(void *ctx)
{
    struct val v = {.kind = V_NULL};
    dec_scalar(ctx, &v, IC_OTHER);
}

static void cb_break(void *ctx)
{
    dec_break(ctx);
}

static const struct cbor_callbacks dec_callbacks = {
    .uint8 = cb_uint8,
    .uint16 = cb_uint16,
    .uint32 = cb_uint32,
    .uint64 = cb_uint64,
    .negint8 = cb_negint8,
    .negint16 = cb_negint16,
    .negint32 = cb_negint32,
    .negint64 = cb_negint64,
    .byte_string = cb_bytes,
    .byte_string_start = cb_bytes_start,
    .string = cb_text,
    .string_start = cb_text_start,
    .array_start = cb_array_start,
    .indef_array_start = cb_indef_array_start,
    .map_start = cb_map_start,
    .indef_map_start = cb_indef_map_start,
    .tag = cb_tag,
    .float2 = cb_float,
    .float4 = cb_float,
    .float8 = cb_float8,
    .undefined = cb_null,
    .null = cb_null,
    .boolean = cb_bool,
    .indef_break = cb_break,
};

static void dec_free(struct dec *d)
{
    for (int i = 0; i < d->depth; i++) {
        cJSON_Delete(d->stack[i].node);
        free(d->stack[i].key);
    }
    d->depth = 0;
    cJSON_Delete(d->root);
    d->root = NULL;
    buf_free(&d->chunks);
}

/*
 * Decodes the request body into c->in and type-checks it against the operation's input
 * shape. Returns SIM_OK, or SIM_ERROR with a SerializationException on c.
 */
static int cbor_decode(struct call *c, const char *body, size_t len)
{
    if (len == 0) {
        c->in = jcheck(cJSON_CreateObject());
        return SIM_OK;
    }
    struct dec *d = xcalloc(1, sizeof *d);
    d->c = c;
    buf_init(&d->chunks, len);
    const unsigned char *p = (const unsigned char *)body;
    size_t pos = 0;
    /* each round consumes at least one byte, so this ends within len rounds */
    while (pos < len && !d->failed && d->root == NULL) {
        d->pos = pos;
        struct cbor_decoder_result r = cbor_stream_decode(p + pos, len - pos, &dec_callbacks, d);
        if (r.status == CBOR_DECODER_NEDATA) {
            dec_fail(d, "the body ends in the middle of a data item");
            break;
        }
        if (r.status != CBOR_DECODER_FINISHED || r.read == 0) {
            dec_fail(d, "malformed data item (initial byte 0x%02x)", p[pos]);
            break;
        }
        pos += r.read;
    }
    d->pos = pos;
    if (!d->failed && d->root == NULL)
        dec_fail(d, "the body ends before the top-level map is complete");
    if (!d->failed && pos < len)
        dec_fail(d, "data after the top-level map");
    int rc = SIM_ERROR;
    if (!d->failed) {
        c->in = d->root;
        d->root = NULL;
        rc = SIM_OK;
        if (c->mop && c->svc && neutral_check(c, c->svc->model, c->mop->input, c->in))
            rc = SIM_ERROR;
    }
    dec_free(d);
    free(d);
    return rc;
}

/* ---- encoding ------------------------------------------------------------------------------- */

/* Appends p[0..n) to b: a store when it fits the allocation, else buf_append (which grows
 * the buffer or sets overflow at its maximum). Keeps the contents NUL-terminated. */
static inline void put_raw(struct buf *b, const void *p, size_t n)
{
    if (b->cap - b->len > n && b->len + n <= b->max) {
        memcpy(b->p + b->len, p, n);
        b->len += n;
        b->p[b->len] = '\0';
        return;
    }
    buf_append(b, p, n);
}

/* Writes an item head: major type (0-7) and argument, in the shortest form. */
static void put_head(struct buf *b, unsigned major, uint64_t v)
{
    unsigned char h[9];
    size_t n;
    unsigned char mt = (unsigned char)(major << 5);
    if (v < 24) {
        h[0] = mt | (unsigned char)v;
        n = 1;
    } else if (v <= 0xff) {
        h[0] = mt | 24;
        h[1] = (unsigned char)v;
        n = 2;
    } else if (v <= 0xffff) {
        h[0] = mt | 25;
        h[1] = (unsigned char)(v >> 8);
        h[2] = (unsigned char)v;
        n = 3;
    } else if (v <= 0xffffffffu) {
        h[0] = mt | 26;
        for (int i = 0; i < 4; i++)
            h[1 + i] = (unsigned char)(v >> (24 - 8 * i));
        n = 5;
    } else {
        h[0] = mt | 27;
        for (int i = 0; i < 8; i++)
            h[1 + i] = (unsigned char)(v >> (56 - 8 * i));
        n = 9;
    }
    put_raw(b, h, n);
}

static void put_double(struct buf *b, double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    unsigned char h[9];
    h[0] = 0xfb;
    for (int i = 0; i < 8; i++)
        h[1 + i] = (unsigned char)(bits >> (56 - 8 * i));
    put_raw(b, h, 9);
}

/* Writes an integral x as major type 0 or 1 when it fits in 64 bits, else as a float64. */
static void put_integral(struct buf *b, double x)
{
    if (x >= 0) {
        if (x < TWO_POW_64)
            put_head(b, 0, (uint64_t)x);
        else
            put_double(b, x);
    } else if (x >= -TWO_POW_63) {
        int64_t i = (int64_t)x;
        put_head(b, 1, (uint64_t)(-(i + 1)));
    } else if (x > -TWO_POW_64) {
        put_head(b, 1, (uint64_t)(-x) - 1);
    } else if (x == -TWO_POW_64) {
        put_head(b, 1, UINT64_MAX);
    } else {
        put_double(b, x);
    }
}

static int is_integral(double x)
{
    return isfinite(x) && x == floor(x);
}

/* Writes s as a text string, with U+FFFD for each byte that is not part of valid UTF-8. */
static void put_text(struct buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    unsigned char high = 0;
    for (size_t i = 0; i < n; i++)
        high |= p[i];
    if (!(high & 0x80)) { /* ASCII, the usual case */
        put_head(b, 3, n);
        put_raw(b, s, n);
        return;
    }
    size_t out = 0, i = 0;
    while (i < n) {
        size_t k = utf8_seq(p + i, n - i);
        out += k ? k : 3;
        i += k ? k : 1;
    }
    put_head(b, 3, out);
    if (out == n) {
        put_raw(b, s, n);
        return;
    }
    for (i = 0; i < n;) {
        size_t k = utf8_seq(p + i, n - i);
        if (k) {
            put_raw(b, p + i, k);
            i += k;
        } else {
            put_raw(b, "\xef\xbf\xbd", 3);
            i++;
        }
    }
}

/*
 * Finds the member of struct shape sh named key. Results usually follow the model's member
 * order, so the member after the previous match (*hint) is tried first.
 */
static const struct model_member *enc_member(const struct model_shape *sh, const char *key,
                                             int *hint)
{
    if (*hint < sh->nmembers && strcmp(sh->members[*hint].name, key) == 0)
        return &sh->members[(*hint)++];
    for (int i = 0; i < sh->nmembers; i++) {
        if (sh->members[i].name[0] == key[0] && strcmp(sh->members[i].name, key) == 0) {
            *hint = i + 1;
            return &sh->members[i];
        }
    }
    return NULL;
}

struct enc_member {
    const cJSON *item;
    const struct model_member *mm;
};

struct enc {
    struct buf *b;
    const struct model_service *m;
    int too_deep;
};

/* Writes v by its own JSON type (no shape, or a value that does not fit its shape). */
static void enc_generic(struct enc *e, const cJSON *v, int depth)
{
    if (depth > CBOR_MAX_DEPTH) {
        e->too_deep = 1;
        return;
    }
    const cJSON *it;
    if (cJSON_IsFalse(v)) {
        put_head(e->b, 7, 20);
    } else if (cJSON_IsTrue(v)) {
        put_head(e->b, 7, 21);
    } else if (cJSON_IsNumber(v)) {
        if (is_integral(v->valuedouble))
            put_integral(e->b, v->valuedouble);
        else
            put_double(e->b, v->valuedouble);
    } else if (cJSON_IsString(v)) {
        put_text(e->b, v->valuestring);
    } else if (cJSON_IsArray(v)) {
        put_head(e->b, 4, (uint64_t)cJSON_GetArraySize(v));
        cJSON_ArrayForEach(it, v)
        {
            enc_generic(e, it, depth + 1);
        }
    } else if (cJSON_IsObject(v)) {
        uint64_t n = 0;
        cJSON_ArrayForEach(it, v)
        {
            n += it->string != NULL;
        }
        put_head(e->b, 5, n);
        cJSON_ArrayForEach(it, v)
        {
            if (it->string == NULL)
                continue;
            put_text(e->b, it->string);
            enc_generic(e, it, depth + 1);
        }
    } else {
        put_head(e->b, 7, 22); /* null, raw, invalid */
    }
}

static void enc_timestamp(struct enc *e, double t)
{
    put_head(e->b, 6, 1);
    if (is_integral(t) && t >= -TWO_POW_63 && t < TWO_POW_63)
        put_integral(e->b, t);
    else
        put_double(e->b, t);
}

/* Writes v as shape sh. */
static void enc_value(struct enc *e, const struct model_shape *sh, const cJSON *v, int depth)
{
    if (depth > CBOR_MAX_DEPTH) {
        e->too_deep = 1;
        return;
    }
    const cJSON *it;
    switch (sh->kind) {
    case MK_STRUCT: {
        if (!cJSON_IsObject(v))
            break;
        /* the members to write and their model entries, looked up once when they are few */
        struct enc_member found[ENC_MEMBERS];
        uint64_t n = 0;
        int hint = 0;
        cJSON_ArrayForEach(it, v)
        {
            if (it->string == NULL || cJSON_IsNull(it))
                continue;
            const struct model_member *mm = enc_member(sh, it->string, &hint);
            if (mm == NULL)
                continue;
            if (n < ENC_MEMBERS)
                found[n] = (struct enc_member){it, mm};
            n++;
        }
        put_head(e->b, 5, n);
        if (n <= ENC_MEMBERS) {
            for (uint64_t k = 0; k < n; k++) {
                put_text(e->b, found[k].mm->name);
                enc_value(e, &e->m->shapes[found[k].mm->shape], found[k].item, depth + 1);
            }
            return;
        }
        hint = 0;
        cJSON_ArrayForEach(it, v)
        {
            if (it->string == NULL || cJSON_IsNull(it))
                continue;
            const struct model_member *mm = enc_member(sh, it->string, &hint);
            if (mm == NULL)
                continue;
            put_text(e->b, mm->name);
            enc_value(e, &e->m->shapes[mm->shape], it, depth + 1);
        }
        return;
    }
    case MK_LIST: {
        if (!cJSON_IsArray(v))
            break;
        const struct model_shape *msh = &e->m->shapes[sh->members[0].shape];
        put_head(e->b, 4, (uint64_t)cJSON_GetArraySize(v));
        cJSON_ArrayForEach(it, v)
        {
            if (cJSON_IsNull(it))
                put_head(e->b, 7, 22);
            else
                enc_value(e, msh, it, depth + 1);
        }
        return;
    }
    case MK_MAP: {
        if (!cJSON_IsObject(v))
            break;
        const struct model_shape *vsh = &e->m->shapes[sh->members[1].shape];
        uint64_t n = 0;
        cJSON_ArrayForEach(it, v)
        {
            n += it->string != NULL && !cJSON_IsNull(it);
        }
        put_head(e->b, 5, n);
        cJSON_ArrayForEach(it, v)
        {
            if (it->string == NULL || cJSON_IsNull(it))
                continue;
            put_text(e->b, it->string);
            enc_value(e, vsh, it, depth + 1);
        }
        return;
    }
    case MK_STRING:
        if (cJSON_IsString(v)) {
            put_text(e->b, v->valuestring);
            return;
        }
        break;
    case MK_INTEGER:
    case MK_LONG:
        if (cJSON_IsNumber(v) && is_integral(v->valuedouble)) {
            put_integral(e->b, v->valuedouble);
            return;
        }
        break;
    case MK_FLOAT:
    case MK_DOUBLE:
        if (cJSON_IsNumber(v)) {
            put_double(e->b, v->valuedouble);
            return;
        }
        break;
    case MK_BOOLEAN:
        break;
    case MK_TIMESTAMP: {
        double t;
        if (cJSON_IsNumber(v)) {
            enc_timestamp(e, v->valuedouble);
            return;
        }
        if (cJSON_IsString(v) && timefmt_parse_iso8601(v->valuestring, &t) == 0) {
            enc_timestamp(e, t);
            return;
        }
        break;
    }
    case MK_BLOB:
        if (cJSON_IsString(v)) {
            size_t n = strlen(v->valuestring);
            unsigned char *raw = xmalloc(n / 4 * 3 + 3);
            long m = b64_decode(v->valuestring, raw);
            if (m >= 0) {
                put_head(e->b, 2, (uint64_t)m);
                put_raw(e->b, raw, (size_t)m);
                free(raw);
                return;
            }
            free(raw);
        }
        break;
    default:
        break;
    }
    enc_generic(e, v, depth);
}

/*
 * Encodes c->out as the operation's output shape into c->body. Returns SIM_OK, or SIM_ERROR
 * (InternalFailure) when the result is not an object, too deep or too big for the body.
 */
static int cbor_encode_result(struct call *c)
{
    c->status = 200;
    c->content_type = "application/cbor";
    buf_reset(&c->body);
    const struct model_service *m = c->svc ? c->svc->model : NULL;
    const struct model_shape *sh = m && c->mop ? model_shape(m, c->mop->output) : NULL;
    if (sh == NULL || c->out == NULL) {
        put_head(&c->body, 5, 0);
    } else {
        if (!cJSON_IsObject(c->out))
            return call_error(c, "InternalFailure", "The operation's result is not a structure");
        struct enc e = {.b = &c->body, .m = m};
        enc_value(&e, sh, c->out, 0);
        if (e.too_deep) {
            buf_reset(&c->body);
            return call_error(c, "InternalFailure", "The operation's result is nested too deeply");
        }
    }
    if (c->body.overflow) {
        buf_reset(&c->body);
        return call_error(c, "InternalFailure", "The response is too large");
    }
    call_add_header(c, "smithy-protocol", "rpc-v2-cbor");
    return SIM_OK;
}

/* Encodes c->err as {"__type": ..., "message": ...} with the wire status and headers. */
static void cbor_encode_error(struct call *c)
{
    char type[256];
    c->status = call_error_wire(c, type, sizeof type);
    c->content_type = "application/cbor";
    call_add_header(c, "smithy-protocol", "rpc-v2-cbor");
    buf_reset(&c->body);
    put_head(&c->body, 5, c->err.message ? 2 : 1);
    put_text(&c->body, "__type");
    put_text(&c->body, type);
    if (c->err.message) {
        put_text(&c->body, call_error_message_key(c));
        put_text(&c->body, c->err.message);
    }
}

const struct proto_codec proto_cbor = {
    .name = "cbor",
    .decode = cbor_decode,
    .encode_result = cbor_encode_result,
    .encode_error = cbor_encode_error,
};
