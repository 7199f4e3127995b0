/*
 * golden.h - the names of the golden-path fixture's resources (fixtures/golden-path.json) in
 * one environment, for the code that acts on them: the world model, the scenario timeline,
 * the pre-roll's settle check and the drill report.
 *
 * Each name is a pattern with {env}; golden_name() fills it. If the fixture renames a
 * resource, change its pattern here (report_score.c's runbook texts quote the runbook itself
 * and stay as the runbook writes them).
 */
#ifndef DRILLSIM_ENGINE_GOLDEN_H
#define DRILLSIM_ENGINE_GOLDEN_H

#include <stddef.h>

#define GOLDEN_DB_CLUSTER "golden-path-aurora-{env}"
#define GOLDEN_DB_PARAMS "golden-path-pg-{env}"
#define GOLDEN_ECS_CLUSTER "golden-path-cluster-{env}"
#define GOLDEN_ECS_SERVICE "golden-path-service-{env}"
#define GOLDEN_TASK_FAMILY "golden-path-app-{env}"
#define GOLDEN_LOG_GROUP "/ecs/golden-path-app-{env}"
#define GOLDEN_CONNS_ALARM "golden-path-rds-connections-{env}"

/* Writes pattern into out (n bytes, cut short if needed) with each {env} replaced by env. */
void golden_name(const char *pattern, const char *env, char *out, size_t n);

#endif
