/*
 * insights_int.h - private to sim/insights/{lexer,parser,eval}.c: tokens, the syntax tree,
 * values and the compiled query.
 *
 * Every field name a query mentions is interned at compile time into a slot; rows are arrays
 * of slot values, so evaluation never looks names up. Slots 0..INS_SLOT_BUILTIN-1 are the
 * discovered fields (@timestamp ...); the JSON flattener fills the others whose names match a
 * flattened key (only when the query needs one: json_slots > 0).
 */
#ifndef DRILLSIM_INSIGHTS_INT_H
#define DRILLSIM_INSIGHTS_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "insights/insights.h"

/* ---- arena: bump allocation, reset per event ------------------------------------------- */

struct ins_chunk;
struct ins_arena {
    struct ins_chunk *head;
};
void *ins_arena_alloc(struct ins_arena *a, size_t n);
char *ins_arena_strndup(struct ins_arena *a, const char *s, size_t n);
/* Frees every chunk but the first (which is emptied). */
void ins_arena_reset(struct ins_arena *a);
void ins_arena_free(struct ins_arena *a);

/* ---- lexer ------------------------------------------------------------------------------ */

enum ins_tok {
    TK_EOF,
    TK_IDENT,   /* name, @name, a.b.c, a.0 (text = the name) */
    TK_QIDENT,  /* `backtick name` (text = the name) */
    TK_STRING,  /* "…" or '…' (text = the unescaped value) */
    TK_NUMBER,  /* 12, 1.5, 1e3 (num) */
    TK_PERIOD,  /* 5m, 1h, 100ms (num = count, unit) */
    TK_REGEX,   /* /…/ (text = the pattern) — only where the parser asks for one */
    TK_PIPE,
    TK_COMMA,
    TK_LPAREN,
    TK_RPAREN,
    TK_LBRACK,
    TK_RBRACK,
    TK_DOT,
    TK_PLUS,
    TK_MINUS,
    TK_STAR,
    TK_SLASH,
    TK_CARET,
    TK_PERCENT,
    TK_EQ,
    TK_NE,
    TK_LT,
    TK_LE,
    TK_GT,
    TK_GE,
    TK_MATCH, /* =~ */
    TK_ERROR, /* a character no token starts with */
};

/* Period units; months, quarters and years are calendar units. */
enum ins_unit { U_MS, U_S, U_M, U_H, U_D, U_W, U_MO, U_Q, U_Y };

struct ins_token {
    enum ins_tok t;
    int start, end; /* byte offsets in the query text */
    char *text;     /* owned by the lexer's list */
    double num;
    enum ins_unit unit;
};

struct ins_lexer {
    const char *src;
    size_t len;
    size_t pos;
};

/* Reads the next token. regex != 0 lexes "/…/" as TK_REGEX instead of TK_SLASH. Returns 0,
 * or -1 with err set (an unterminated string or regex, a bad period unit). The token's text
 * is malloc'ed (caller frees). */
int ins_lex(struct ins_lexer *lx, int regex, struct ins_token *tok, struct ins_error *err);
/* A short display form of a token for error messages ("'count'", "'<EOF>'"). */
void ins_tok_display(const struct ins_lexer *lx, const struct ins_token *tok, char *out,
                     size_t n);

/* ---- values ----------------------------------------------------------------------------- */

enum ins_vt { V_NULL = 0, V_STR, V_NUM, V_TIME, V_BOOL, V_JSON };

struct ins_val {
    uint8_t t;
    uint32_t len;   /* of s */
    const char *s;  /* V_STR, V_JSON text; the original text of a V_NUM/V_BOOL from JSON */
    double n;       /* V_NUM, V_BOOL (0/1) */
    int64_t ms;     /* V_TIME */
};

/* ---- syntax tree ------------------------------------------------------------------------ */

enum ins_nk {
    N_FIELD,  /* slot */
    N_STR,    /* str */
    N_NUM,    /* num */
    N_PERIOD, /* num, unit */
    N_NEG,    /* -a[0] */
    N_NOT,    /* not a[0] */
    N_AND,
    N_OR,
    N_CMP,    /* op: TK_EQ .. TK_GE */
    N_ARITH,  /* op: TK_PLUS .. TK_PERCENT */
    N_LIKE,   /* a[0] like str (re NULL) or regex (re); neg */
    N_IN,     /* a[0] in a[1..]; neg */
    N_CALL,   /* fn, a[] */
    N_AGG,    /* agg: index into the stats command's aggregations */
    N_MEMBER, /* a[0].str or a[0][num] on a JSON value; str NULL = index num */
    N_STAR,   /* count(*) */
};

struct ins_node {
    enum ins_nk k;
    int op;
    int fn;
    int agg;
    int slot;
    int neg;
    char *str;
    size_t len;
    double num;
    enum ins_unit unit;
    pcre2_code *re;
    pcre2_match_data *md;
    struct ins_node **a;
    int na;
    int start, end; /* source span */
};

/* Aggregation functions. */
enum ins_agg {
    A_COUNT,
    A_COUNT_STAR,
    A_COUNT_DISTINCT,
    A_SUM,
    A_AVG,
    A_MIN,
    A_MAX,
    A_STDDEV,
    A_PCT,
    A_EARLIEST,
    A_LATEST,
    A_SORTSFIRST,
    A_SORTSLAST,
};

struct ins_aggdef {
    enum ins_agg fn;
    struct ins_node *arg; /* NULL for count(*) */
    double p;             /* pct */
};

/* One output column: an expression and the slot (named alias or source text) it fills. */
struct ins_proj {
    struct ins_node *e;
    int slot;
};

struct ins_sortkey {
    int slot;
    int desc;
};

enum ins_ck { C_FIELDS, C_DISPLAY, C_FILTER, C_STATS, C_SORT, C_LIMIT, C_PARSE, C_DEDUP };

struct ins_cmd {
    enum ins_ck k;
    int start, end;
    struct ins_proj *items; /* fields, stats items, display (e = NULL) */
    int nitems;
    struct ins_proj *by;    /* stats by */
    int nby;
    struct ins_aggdef *aggs; /* stats */
    int naggs;
    struct ins_node *cond;  /* filter */
    struct ins_sortkey *keys; /* sort; dedup (desc unused) */
    int nkeys;
    long limit;
    /* parse */
    struct ins_node *src;
    pcre2_code *re;
    pcre2_match_data *md;
    int *caps;   /* slot of each capture group 1..ncaps */
    int ncaps;
};

/* Discovered-field slots. */
enum {
    S_TIMESTAMP,
    S_MESSAGE,
    S_LOGSTREAM,
    S_LOG,
    S_INGESTION,
    S_PTR,
    INS_SLOT_BUILTIN,
};

struct ins_query {
    char *text;
    struct ins_cmd *cmds;
    int ncmds;
    char **slots; /* slot names */
    int nslots;
    int *slot_prefix; /* for a dotted name: the slot of its longest assigned prefix, or -1 */
    /* JSON flattening: an open-addressing table of slot names (non-builtin) */
    int *jhash;
    int jcap;
    int json_slots; /* > 0: some field may come from a JSON message */
    /* output */
    int *out;       /* slots shown, in order */
    int nout;
    int aggregate;  /* the output rows are stats rows (no @ptr) */
    int scan_desc;
    char *prefilter;
};

/* Returns the slot of name (creating it). */
int ins_slot(struct ins_query *q, const char *name);
/* Looks name up among the slots; -1 if absent. */
int ins_slot_find(const struct ins_query *q, const char *name, size_t len);

/* parser.c */
int ins_parse(struct ins_query *q, struct ins_error *err);
void ins_node_free(struct ins_node *n);

/* eval.c: the function table the parser checks calls against. */
struct ins_fn {
    const char *name;
    int min, max; /* argument counts; max -1 = any */
};
/* Returns the index of a scalar function, or -1. */
int ins_fn_find(const char *name);
/* Returns the aggregation for name, or -1. */
int ins_agg_find(const char *name);
/* The index of the functions whose last argument must be a period (bin, datefloor, dateceil). */
int ins_fn_is(int fn, const char *name);
const struct ins_fn *ins_fn_info(int fn);

#endif
