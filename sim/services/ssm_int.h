/*
 * ssm_int.h - private to SSM Parameter Store: shared by sim/services/ssm.c (the handlers),
 * ssm_names.c (the pure vocabulary: names, references, labels, tokens) and ssm_filters.c
 * (ParameterFilters), and by tests/unit/services/ssm.c. Nothing else includes this header.
 */
#ifndef DRILLSIM_SSM_INT_H
#define DRILLSIM_SSM_INT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "store/ssm.h"

struct call;

#define SSM_DEFAULT_KEY "alias/aws/ssm"
#define SSM_MAX_FILTERS 50
#define SSM_MAX_DEPTH 15 /* hierarchy levels */

/* AWS's text for a Path that is not a path (GetParametersByPath, the Path filter). */
#define MSG_BAD_PATH                                                                           \
    "The parameter doesn't meet the parameter name requirements. The parameter name must "     \
    "begin with a forward slash \"/\". It can't be prefixed with \"aws\" or \"ssm\" "          \
    "(case-insensitive). It must use only letters, numbers, or the following symbols: . "      \
    "(period), - (hyphen), _ (underscore). Special characters are not allowed. All "           \
    "sub-paths, if specified, must use the forward slash symbol \"/\". Valid example: "        \
    "/get/parameters2-/by1./path0_."

/* ---- ssm.c ---- */

/* The (store, account, region) scope of the call. */
struct ssm_scope ssm_scope_of(const struct call *c);
/* Returns the parameter's ARN (caller frees): a leading '/' of the name is not doubled. */
char *ssm_arn(const struct call *c, const char *name);

/* ---- ssm_names.c ---- */

/* Number of UTF-8 characters in s. */
size_t ssm_utf8_len(const char *s);
/* Returns 1 if s begins with prefix, ignoring ASCII case. */
int ssm_prefix_ci(const char *s, const char *prefix);

/* Outcomes of ssm_name_check. */
enum ssm_name_rc {
    SSM_NAME_OK = 0,
    SSM_NAME_INVALID,       /* characters, empty sub-path, or '/' without a leading '/' */
    SSM_NAME_RESERVED,      /* a plain name prefixed aws/ssm (writes only) */
    SSM_NAME_RESERVED_PATH, /* a path under /aws... (writes only) */
    SSM_NAME_TOO_DEEP,      /* more than 15 hierarchy levels (writes only) */
};

/*
 * Checks a (trimmed) parameter name against Parameter Store's naming rules. for_write adds
 * the rules that only apply when a parameter is created: the reserved aws/ssm prefixes and
 * the depth limit. Returns one of enum ssm_name_rc.
 */
int ssm_name_check(const char *name, int for_write);
/* Returns a copy of s without leading and trailing white space (caller frees). */
char *ssm_trim(const char *s);

/* What a name:version or name:label reference points at. */
enum ssm_sel { SSM_SEL_NONE, SSM_SEL_VERSION, SSM_SEL_LABEL };
struct ssm_ref {
    char *name;     /* the bare parameter name (owned) */
    char *selector; /* the text after ':' (owned), NULL when there is none */
    enum ssm_sel kind;
    int64_t version; /* SSM_SEL_VERSION */
};

/*
 * Parses a GetParameter(s) name: "name", "name:3", "name:label", or the parameter's ARN
 * "arn:aws:ssm:REGION:ACCOUNT:parameter/NAME[:selector]". Surrounding white space is removed.
 * Returns 0 and fills *out (release with ssm_ref_clear), or 1 when the text cannot refer to a
 * parameter of this account and Region (another account's ARN, an empty or second selector);
 * *out is then empty.
 */
int ssm_ref_parse(const char *raw, const char *account, const char *region, struct ssm_ref *out);
void ssm_ref_clear(struct ssm_ref *r);

/* Returns 1 if label follows the label rules (1-100 characters of letters, digits, '.', '-',
 * '_', not starting with a digit or with aws/ssm in any case), else 0. */
int ssm_label_valid(const char *label);

/* Pagination tokens: kind is one letter per operation. ssm_token_make returns a new opaque
 * token carrying key; ssm_token_read returns 0 and a new copy of the key (caller frees), or
 * -1 when the token was not made by ssm_token_make for this kind. */
char *ssm_token_make(char kind, const char *key);
int ssm_token_read(const char *token, char kind, char **key);

/* The stand-in ciphertext of a SecureString value: deterministic, opaque base64 text. */
char *ssm_cipher(const char *key_id, const char *value);

/* Returns 1 when value has the AMI ID format that aws:ec2:image requires. */
int ssm_ami_valid(const char *value);

/* ---- ssm_filters.c ---- */

enum ssm_filter_opt { OPT_EQUALS, OPT_BEGINS, OPT_CONTAINS, OPT_ONELEVEL, OPT_RECURSIVE };

struct ssm_filter {
    const char *key; /* Name, Type, KeyId, Path, Tier, DataType, Label, tag:KEY */
    enum ssm_filter_opt opt;
    const cJSON *values; /* array of strings (borrowed from the request), or NULL */
};

struct ssm_filters {
    struct ssm_filter f[SSM_MAX_FILTERS];
    int n;
};

/* Parses and checks ParameterFilters for DescribeParameters (by_path 0) or
 * GetParametersByPath (by_path 1). Returns SIM_OK, or SIM_ERROR with the error set on c. */
int ssm_filters_parse(struct call *c, const cJSON *arr, int by_path, struct ssm_filters *out);
/* Turns DescribeParameters' deprecated Filters (Name, Type, KeyId) into filters: Name
 * matches by prefix, the others exactly. */
void ssm_filters_legacy(const cJSON *arr, struct ssm_filters *out);
/* Applies the filters to the latest version p. For a Label filter, *label_version receives
 * the newest version carrying one of the labels. Returns 1 (match), 0 (no match) or -1
 * (store error). */
int ssm_filters_match(const struct call *c, const struct ssm_filters *fs,
                      const struct ssm_param *p, int64_t *label_version);

#endif
