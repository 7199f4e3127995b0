/*
 * schema.c - the store's schema as numbered migrations.
 *
 * PRAGMA user_version holds the number of migrations applied. To change the schema, append a
 * migration (never edit one that has shipped): existing data files are migrated on open.
 */
#include "store/store_int.h"

#include <stddef.h>

const char *const store__migrations[] = {
    /* 1: SSM Parameter Store, generic tags, CloudWatch metrics */
    "CREATE TABLE ssm_parameters ("
    "  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,"
    "  version INTEGER NOT NULL, PRIMARY KEY (account, region, name)) WITHOUT ROWID;"
    "CREATE TABLE ssm_parameter_versions ("
    "  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL,"
    "  type TEXT NOT NULL, value TEXT NOT NULL, description TEXT, allowed_pattern TEXT,"
    "  key_id TEXT, tier TEXT NOT NULL, data_type TEXT NOT NULL, policies TEXT,"
    "  modified_ms INTEGER NOT NULL, modified_user TEXT NOT NULL,"
    "  PRIMARY KEY (account, region, name, version)) WITHOUT ROWID;"
    "CREATE TABLE ssm_labels ("
    "  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, label TEXT NOT NULL,"
    "  version INTEGER NOT NULL, PRIMARY KEY (account, region, name, label)) WITHOUT ROWID;"
    "CREATE TABLE tags ("
    "  account TEXT NOT NULL, region TEXT NOT NULL, service TEXT NOT NULL,"
    "  resource TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    "  PRIMARY KEY (account, region, service, resource, key)) WITHOUT ROWID;"
    /* CloudWatch metrics: the layout is explained in sim/store/metrics.h. */
    "CREATE TABLE cw_metrics ("
    "  id INTEGER PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL,"
    "  namespace TEXT NOT NULL, name TEXT NOT NULL, dims TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL, last_put_ms INTEGER NOT NULL, nrows INTEGER NOT NULL,"
    "  UNIQUE (account, region, namespace, name, dims));"
    "CREATE TABLE cw_datapoints ("
    "  metric_id INTEGER NOT NULL, ts_ms INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  unit INTEGER NOT NULL, resolution INTEGER NOT NULL, value REAL,"
    "  count REAL NOT NULL, sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL,"
    "  PRIMARY KEY (metric_id, ts_ms, seq)) WITHOUT ROWID;",
    /* 2: teams (engine/team.c): per-account clock, generators, lifecycle timing */
    "CREATE TABLE teams ("
    "  account TEXT PRIMARY KEY, clock_mode TEXT NOT NULL, now_ms INTEGER NOT NULL,"
    "  last_tick_ms INTEGER NOT NULL, seed INTEGER NOT NULL, ids BLOB NOT NULL,"
    "  world BLOB NOT NULL, timing TEXT NOT NULL) WITHOUT ROWID;",
    NULL,
};
