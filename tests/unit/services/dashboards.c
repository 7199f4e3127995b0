/*
 * Tests of CloudWatch dashboards: the body validator and parsed form
 * (sim/services/dashboard_body.c) and the store module (sim/store/dashboards.c). The
 * handlers themselves are covered end to end in tests/e2e/test_dashboards.py.
 *
 * Bodies are written with single quotes for readability; body() turns them into JSON.
 * Expected messages are compared as one "path: message" line per message.
 */
#include <stdint.h>

#include "services/dashboard_body.h"
#include "store/dashboards.h"
#include "store/store.h"
#include "t.h"
#include "util/buf.h"
#include "util/xmalloc.h"

/* Returns a new copy of s with every ' turned into ". */
static char *body(const char *s)
{
    char *b = xstrdup(s);
    for (char *p = b; *p; p++) {
        if (*p == '\'')
            *p = '"';
    }
    return b;
}

/* Returns the messages as "path: message" lines (caller frees). */
static char *lines(const struct dashboard_msg *m, int n)
{
    struct buf b;
    buf_init(&b, 1u << 20);
    buf_puts(&b, "");
    for (int i = 0; i < n; i++)
        buf_printf(&b, "%s: %s\n", m[i].path, m[i].message);
    return buf_steal(&b, NULL);
}

/* Checks the body (single-quoted) and compares its errors and warnings with the expected
 * lines; expect_rc is dashboard_body_check's return. */
static void expect(int line, const char *src, int expect_rc, const char *errors,
                   const char *warnings)
{
    char *b = body(src);
    struct dashboard_check chk = {0};
    int rc = dashboard_body_check(b, &chk);
    char *e = lines(chk.errors, chk.nerrors);
    char *w = lines(chk.warnings, chk.nwarnings);
    if (rc != expect_rc || strcmp(e, errors) != 0 || strcmp(w, warnings) != 0)
        t_fail(__FILE__, line, "body %s\n  rc %d (want %d)\n  errors:\n%s  want:\n%s"
               "  warnings:\n%s  want:\n%s", src, rc, expect_rc, e, errors, w, warnings);
    free(e);
    free(w);
    free(b);
    dashboard_check_free(&chk);
}

#define OK(src) expect(__LINE__, (src), 0, "", "")
#define ERRS(src, errors) expect(__LINE__, (src), -1, (errors), "")
#define WARNS(src, warnings) expect(__LINE__, (src), 0, "", (warnings))

/* A metric widget around the given metrics array (region set). */
#define METRIC(metrics)                                                                        \
    "{'widgets':[{'type':'metric','x':0,'y':0,'width':6,'height':6,'properties':"             \
    "{'region':'us-east-1','metrics':" metrics "}}]}"

TEST(services_dashboards_valid_bodies)
{
    /* The documentation's first example: a metric and a text widget, start, periodOverride. */
    OK("{'start':'-PT6H','periodOverride':'inherit','widgets':["
       "{'type':'metric','x':0,'y':0,'width':12,'height':6,'properties':{"
       "'metrics':[['AWS/EC2','CPUUtilization','InstanceId','i-012345']],'period':300,"
       "'stat':'Average','region':'us-east-1','title':'EC2 Instance CPU','liveData':false,"
       "'legend':{'position':'right'}}},"
       "{'type':'text','x':0,'y':7,'width':3,'height':3,'properties':{'markdown':'Hello'}}]}");
    /* The empty dashboard. */
    OK("{'widgets':[]}");
    /* Variables (a pattern variable with values, a property variable filled by a search). */
    OK("{'widgets':[],'variables':[{'type':'pattern','pattern':'i-[0-9a-f]+',"
       "'inputType':'select','id':'instance','label':'Instance','defaultValue':'i-1',"
       "'visible':true,'values':[{'value':'i-1','label':'one'},{'value':'i-2'}]},"
       "{'type':'property','property':'FunctionName','inputType':'radio',"
       "'populateFrom':'FunctionName',"
       "'search':'{AWS/Lambda,FunctionName} MetricName=\\\"Errors\\\"'},"
       "{'type':'property','property':'region','inputType':'input','defaultValue':'us-east-1'}]}");
    /* Metrics: "." repetition, rendering options, an expression on its own, a percentile, a
     * range statistic, an annotation band, vertical and alarm annotations, both axes, every
     * view and a stacked graph. */
    OK("{'widgets':[{'type':'metric','properties':{'region':'us-east-1','view':'timeSeries',"
       "'stacked':true,'metrics':["
       "['AWS/ECS','CPUUtilization','ClusterName','prod','ServiceName','web',"
       "{'id':'m1','stat':'p99.9','color':'#1f77b4','label':'web','yAxis':'right',"
       "'period':60,'visible':true}],"
       "['.','.','.','.','ServiceName','api',{'id':'m2','stat':'TM(10%:90%)'}],"
       "[{'expression':'m1+m2','label':'sum','id':'e1'}]],"
       "'annotations':{'horizontal':[{'value':80,'label':'max','color':'#ff0000',"
       "'fill':'above'},[{'value':20,'label':'low'},{'value':40,'label':'high'}]],"
       "'vertical':[{'value':'2024-01-01T00:00:00Z','label':'deploy','fill':'after'}],"
       "'alarms':['arn:aws:cloudwatch:us-east-1:123456789012:alarm:a']},"
       "'yAxis':{'left':{'min':0,'max':100,'label':'Percent','showUnits':false},"
       "'right':{'min':0}}}}]}");
    OK("{'widgets':[{'type':'metric','properties':{'view':'singleValue','region':'eu-west-1',"
       "'metrics':[['App','Latency']],'sparkline':true,'trend':true,"
       "'setPeriodToTimeRange':true,'singleValueFullPrecision':false}},"
       "{'type':'metric','properties':{'view':'gauge','region':'eu-west-1',"
       "'metrics':[['App','Latency',{'stat':'Maximum'}]],'yAxis':{'left':{'min':0,'max':1}}}},"
       "{'type':'metric','properties':{'view':'pie','region':'eu-west-1','metrics':[['A','B']]}},"
       "{'type':'metric','properties':{'view':'bar','region':'eu-west-1','metrics':[['A','B']]}},"
       "{'type':'metric','properties':{'view':'table','region':'eu-west-1','metrics':[['A','B']],"
       "'table':{'layout':'horizontal'}}}]}");
    /* A metric widget whose only data is an alarm annotation. */
    OK("{'widgets':[{'type':'metric','properties':{'title':'alarm','annotations':{'alarms':"
       "['arn:aws:cloudwatch:us-east-1:123456789012:alarm:high-cpu']}}}]}");
    /* The other widget types. */
    OK("{'widgets':["
       "{'type':'log','properties':{'query':'SOURCE \\u0027/ecs/web\\u0027 | fields @timestamp',"
       "'region':'us-east-1','title':'errors','view':'table','stacked':false}},"
       "{'type':'alarm','properties':{'title':'alarms','alarms':"
       "['arn:aws:cloudwatch:us-east-1:123456789012:alarm:a'],'sortBy':'stateUpdatedTimestamp',"
       "'states':['ALARM','OK']}},"
       "{'type':'explorer','properties':{'metrics':[{'metricName':'CPUUtilization',"
       "'resourceType':'AWS::EC2::Instance','stat':'Average'}],'aggregateBy':{'key':'*',"
       "'func':'AVG'},'labels':[{'key':'env','value':'prod'}],'widgetOptions':{'legend':"
       "{'position':'bottom'},'view':'timeSeries','stacked':false,'rowsPerPage':8,"
       "'widgetsPerRow':2},'period':300,'splitBy':'','region':'us-east-1','title':'x'}},"
       "{'type':'custom','properties':{'endpoint':'arn:aws:lambda:us-east-1:123456789012:"
       "function:w','params':{'a':[1,2]},'updateOn':{'refresh':true,'resize':true,"
       "'timeRange':true},'title':'custom'}},"
       "{'type':'text','properties':{'markdown':'# hi','background':'transparent'}}]}");
}

TEST(services_dashboards_not_object)
{
    static const char *const bad[] = {"nope", "", "[]", "42", "\"s\"", "null", "{",
                                      "{\"widgets\":[]} x", "{\"widgets\":[],}", NULL};
    for (int i = 0; bad[i]; i++) {
        struct dashboard_check chk = {0};
        T_EQ_INT(dashboard_body_check(bad[i], &chk), -1);
        T_EQ_INT(chk.not_object, 1);
        T_EQ_INT(chk.nerrors, 0);
        char *m = dashboard_check_message(&chk);
        T_EQ_STR(m, "The field DashboardBody must be a valid JSON object");
        free(m);
        dashboard_check_free(&chk);
    }
}

TEST(services_dashboards_top_level)
{
    ERRS("{}", ": Should have required property 'widgets'\n");
    ERRS("{'widgets':{}}", "/widgets: Should be array\n");
    ERRS("{'widgets':[],'start':-3,'end':false,'periodOverride':'sometimes'}",
         "/start: Should be string\n"
         "/end: Should be string\n"
         "/periodOverride: Should be equal to one of the allowed values\n");
    ERRS("{'widgets':[],'variables':{}}", "/variables: Should be array\n");
    /* At most 500 widgets. */
    struct buf b;
    buf_init(&b, 1u << 20);
    buf_puts(&b, "{'widgets':[");
    for (int i = 0; i < 501; i++)
        buf_printf(&b, "%s{'type':'text','properties':{'markdown':'%d'}}", i ? "," : "", i);
    buf_puts(&b, "]}");
    ERRS(b.p, "/widgets: Should NOT have more than 500 items\n");
    /* 500 is fine. */
    char *cut = strstr(b.p, ",{'type':'text','properties':{'markdown':'500'}}");
    T_ASSERT(cut != NULL);
    strcpy(cut, "]}");
    OK(b.p);
    buf_free(&b);
    /* Unknown top-level members are warnings. */
    WARNS("{'widgets':[],'title':'x'}", "/title: Should NOT have additional properties\n");
}

TEST(services_dashboards_widget_fields)
{
    ERRS("{'widgets':[42]}", "/widgets/0: Should be object\n");
    ERRS("{'widgets':[{'properties':{}}]}", "/widgets/0: Should have required property 'type'\n");
    ERRS("{'widgets':[{'type':'graph','properties':{}}]}",
         "/widgets/0/type: Should be equal to one of the allowed values\n");
    ERRS("{'widgets':[{'type':'text'}]}",
         "/widgets/0: Should have required property 'properties'\n");
    ERRS("{'widgets':[{'type':'text','properties':[]}]}",
         "/widgets/0/properties: Should be object\n");
    ERRS("{'widgets':[{'type':'text','x':24,'y':-1,'width':0,'height':1001,"
         "'properties':{'markdown':''}}]}",
         "/widgets/0/x: Should be <= 23\n"
         "/widgets/0/y: Should be >= 0\n"
         "/widgets/0/width: Should be >= 1\n"
         "/widgets/0/height: Should be <= 1000\n");
    ERRS("{'widgets':[{'type':'text','x':1.5,'y':'0','width':25,'height':0,"
         "'properties':{'markdown':''}}]}",
         "/widgets/0/x: Should be integer\n"
         "/widgets/0/y: Should be integer\n"
         "/widgets/0/width: Should be <= 24\n"
         "/widgets/0/height: Should be >= 1\n");
    OK("{'widgets':[{'type':'text','x':23,'y':100000,'width':24,'height':1000,"
       "'properties':{'markdown':''}}]}");
    /* Members a widget does not have: each is reported at the widget. */
    ERRS("{'widgets':[{'type':'text','title':'t','region':'r','properties':{'markdown':''}}]}",
         "/widgets/0: Should NOT have additional properties\n"
         "/widgets/0: Should NOT have additional properties\n");
    /* Each widget type's required properties. */
    ERRS("{'widgets':[{'type':'text','properties':{'markdown':1,'background':'red'}}]}",
         "/widgets/0/properties/markdown: Should be string\n"
         "/widgets/0/properties/background: Should be equal to one of the allowed values\n");
    ERRS("{'widgets':[{'type':'log','properties':{}}]}",
         "/widgets/0/properties: Should have required property 'query'\n"
         "/widgets/0/properties: Should have required property 'region'\n");
    ERRS("{'widgets':[{'type':'alarm','properties':{'alarms':[],'states':['BROKEN']}}]}",
         "/widgets/0/properties/alarms: Should NOT have fewer than 1 items\n"
         "/widgets/0/properties/states/0: Should be equal to one of the allowed values\n");
    ERRS("{'widgets':[{'type':'explorer','properties':{'metrics':[{}]}}]}",
         "/widgets/0/properties/metrics/0: Should have required property 'metricName'\n");
    ERRS("{'widgets':[{'type':'custom','properties':{'title':'x'}}]}",
         "/widgets/0/properties: Should have required property 'endpoint'\n");
}

TEST(services_dashboards_metric_arrays)
{
    /* As AWS reports (public error reports): a rendering object with a member it does not
     * have (here "dimensions") makes AWS read the metric as strings only. */
    ERRS(METRIC("[['AWS/RDS','DatabaseConnections',{'stat':'Sum','dimensions':"
                "{'DBClusterIdentifier':'c1'}}]]"),
         "/widgets/0/properties/metrics/0: Should NOT have more than 2 items\n");
    /* CDK's "Sample count" statistic, after a dimension pair. */
    ERRS(METRIC("[['AWS/AppSync','Requests','GraphQLAPIId','x',{'stat':'Sample count'}]]"),
         "/widgets/0/properties/metrics/0: Should NOT have more than 4 items\n");
    /* A made-up color. */
    ERRS(METRIC("[['AWS/Lambda','Errors',{'color':'red'}]]"),
         "/widgets/0/properties/metrics/0: Should NOT have more than 2 items\n");
    /* Options, then dimensions as an object: the object in the middle is not a string, and
     * the last one is not a rendering object. */
    ERRS(METRIC("[['AWS/SQS','NumberOfMessagesSent',{'stat':'Sum'},{'QueueName':'q'}]]"),
         "/widgets/0/properties/metrics/0/2: Invalid metric field type, only \"String\" type "
         "is allowed\n"
         "/widgets/0/properties/metrics/0: Should NOT have more than 3 items\n");
    /* A metric that is not an array (e.g. flattened by a template). */
    ERRS(METRIC("['AWS/EC2','CPUUtilization']"),
         "/widgets/0/properties/metrics/0: Should be array\n"
         "/widgets/0/properties/metrics/0: Field \"metrics\" has to be an array of array of "
         "strings, with an optional metricRenderer object as last element\n"
         "/widgets/0/properties/metrics/1: Should be array\n"
         "/widgets/0/properties/metrics/1: Field \"metrics\" has to be an array of array of "
         "strings, with an optional metricRenderer object as last element\n");
    ERRS(METRIC("[['AWS/EC2','CPUUtilization','InstanceId',42]]"),
         "/widgets/0/properties/metrics/0/3: Invalid metric field type, only \"String\" type "
         "is allowed\n");
    ERRS(METRIC("[[]]"), "/widgets/0/properties/metrics/0: Should NOT have fewer than 1 items\n");
    ERRS(METRIC("[['AWS/EC2']]"),
         "/widgets/0/properties/metrics/0: Should NOT have fewer than 2 items\n");
    ERRS(METRIC("[[{'label':'nothing'}]]"),
         "/widgets/0/properties/metrics/0: Should NOT have fewer than 2 items\n");
    ERRS(METRIC("{}"), "/widgets/0/properties/metrics: Should be array\n");
    /* Statistics and periods in rendering options. */
    OK(METRIC("[['A','B',{'stat':'p0'}],['A','B',{'stat':'p100'}],['A','B',{'stat':'tm99'}],"
              "['A','B',{'stat':'PR(:300)'}],['A','B',{'stat':'TC(0.005:0.030)'}],"
              "['A','B',{'stat':'IQM'}],['A','B',{'stat':'SampleCount','period':1}]]"));
    ERRS(METRIC("[['A','B',{'stat':'p101'}],['A','B',{'stat':'avg'}],['A','B',{'period':0}],"
                "['A','B',{'yAxis':'top'}],['A','B',{'visible':'yes'}]]"),
         "/widgets/0/properties/metrics/0: Should NOT have more than 2 items\n"
         "/widgets/0/properties/metrics/1: Should NOT have more than 2 items\n"
         "/widgets/0/properties/metrics/2: Should NOT have more than 2 items\n"
         "/widgets/0/properties/metrics/3: Should NOT have more than 2 items\n"
         "/widgets/0/properties/metrics/4: Should NOT have more than 2 items\n");
}

TEST(services_dashboards_metric_widget)
{
    /* Neither metrics nor an alarm annotation (what CDK renders for an empty graph). */
    ERRS("{'widgets':[{'type':'metric','properties':{'region':'us-east-1','title':'t'}}]}",
         "/widgets/0/properties: Should have required property 'metrics'\n"
         "/widgets/0/properties: The metric widget should have specified a region and a data "
         "source or an alarm annotation\n"
         "/widgets/0/properties: Should have required property 'annotations'\n");
    ERRS("{'widgets':[{'type':'metric','properties':{'annotations':{'horizontal':"
         "[{'value':1}]}}}]}",
         "/widgets/0/properties: Should have required property 'metrics'\n"
         "/widgets/0/properties: The metric widget should have specified a region and a data "
         "source or an alarm annotation\n"
         "/widgets/0/properties: Should have required property 'annotations'\n"
         "/widgets/0/properties: Should have required property 'region'\n");
    /* Metrics without a region (Terraform's common mistake). */
    ERRS("{'widgets':[{'type':'metric','properties':{'metrics':[['A','B']]}}]}",
         "/widgets/0/properties: Should have required property 'region'\n");
    /* Typed members. */
    ERRS("{'widgets':[{'type':'metric','properties':{'region':'r','metrics':[['A','B']],"
         "'view':'line','stacked':'yes','period':0,'legend':{'position':'top'},"
         "'yAxis':{'left':{'min':'0'}},'liveData':1}}]}",
         "/widgets/0/properties/view: Should be equal to one of the allowed values\n"
         "/widgets/0/properties/stacked: Should be boolean\n"
         "/widgets/0/properties/period: Should be >= 1\n"
         "/widgets/0/properties/legend/position: Should be equal to one of the allowed values\n"
         "/widgets/0/properties/yAxis/left/min: Should be number\n"
         "/widgets/0/properties/liveData: Should be boolean\n");
    /* Annotations. */
    ERRS("{'widgets':[{'type':'metric','properties':{'region':'r','metrics':[['A','B']],"
         "'annotations':{'horizontal':[{'label':'no value'},[{'value':1}],'x'],"
         "'vertical':[{'value':5,'fill':'above'}],'alarms':[1]}}}]}",
         "/widgets/0/properties/annotations/horizontal/0: Should have required property "
         "'value'\n"
         "/widgets/0/properties/annotations/horizontal/1: Should NOT have fewer than 2 items\n"
         "/widgets/0/properties/annotations/horizontal/2: Should be object\n"
         "/widgets/0/properties/annotations/vertical/0/value: Should be string\n"
         "/widgets/0/properties/annotations/vertical/0/fill: Should be equal to one of the "
         "allowed values\n"
         "/widgets/0/properties/annotations/alarms/0: Should be string\n");
}

TEST(services_dashboards_variables)
{
    ERRS("{'widgets':[],'variables':[{'type':'property','property':'p','inputType':'radio'}]}",
         "/variables/0: Should have required property 'values'\n"
         "/variables/0: Should have required property 'populateFrom'\n"
         "/variables/0: Should match exactly one schema in oneOf\n");
    ERRS("{'widgets':[],'variables':[{'type':'property','property':'p','inputType':'select',"
         "'values':[{'value':'a'}],'populateFrom':'p'}]}",
         "/variables/0: Should match exactly one schema in oneOf\n");
    ERRS("{'widgets':[],'variables':[{'type':'dimension','inputType':'text'}]}",
         "/variables/0/type: Should be equal to one of the allowed values\n"
         "/variables/0/inputType: Should be equal to one of the allowed values\n");
    ERRS("{'widgets':[],'variables':[{}]}",
         "/variables/0: Should have required property 'type'\n"
         "/variables/0: Should have required property 'inputType'\n");
    ERRS("{'widgets':[],'variables':[{'type':'pattern','inputType':'input',"
         "'values':[{'label':'x'}]}]}",
         "/variables/0/values/0: Should have required property 'value'\n"
         "/variables/0: Should have required property 'pattern'\n");
}

TEST(services_dashboards_warnings)
{
    /* Unknown members inside a widget's properties (and deeper) are warnings, with their
     * path (JSON Pointer escaping: ~ is ~0, / is ~1); the body is still accepted. */
    WARNS("{'widgets':[{'type':'text','properties':{'markdown':'x','fontSize':3,'a/b~c':1}},"
          "{'type':'metric','properties':{'region':'r','metrics':[['A','B']],"
          "'legend':{'position':'right','size':2}}}]}",
          "/widgets/0/properties/fontSize: Should NOT have additional properties\n"
          "/widgets/0/properties/a~1b~0c: Should NOT have additional properties\n"
          "/widgets/1/properties/legend/size: Should NOT have additional properties\n");
    /* Warnings and errors together: the body fails, both are reported. */
    char *b = body("{'widgets':[{'type':'text','properties':{'fontSize':3}}]}");
    struct dashboard_check chk = {0};
    T_EQ_INT(dashboard_body_check(b, &chk), -1);
    T_EQ_INT(chk.nerrors, 1);
    T_EQ_INT(chk.nwarnings, 1);
    dashboard_check_free(&chk);
    free(b);
}

TEST(services_dashboards_message)
{
    /* AWS's text: the count, then the errors as JSON.stringify(errors, null, 2) prints them. */
    char *b = body("{'widgets':[{'type':'metric','properties':{'region':'r','metrics':"
                   "[['A','B',{'x':1}],['A',1]]}}]}");
    struct dashboard_check chk = {0};
    T_EQ_INT(dashboard_body_check(b, &chk), -1);
    char *m = dashboard_check_message(&chk);
    T_EQ_STR(m, "The dashboard body is invalid, there are 2 validation errors:\n"
                "[\n"
                "  {\n"
                "    \"dataPath\": \"/widgets/0/properties/metrics/0\",\n"
                "    \"message\": \"Should NOT have more than 2 items\"\n"
                "  },\n"
                "  {\n"
                "    \"dataPath\": \"/widgets/0/properties/metrics/1/1\",\n"
                "    \"message\": \"Invalid metric field type, only \\\"String\\\" type is "
                "allowed\"\n"
                "  }\n"
                "]");
    free(m);
    dashboard_check_free(&chk);
    free(b);
    /* A body with thousands of errors keeps the first DASHBOARD_MAX_MESSAGES. */
    struct buf big;
    buf_init(&big, 8u << 20);
    buf_puts(&big, "{'widgets':[{'type':'metric','properties':{'region':'r','metrics':[");
    for (int i = 0; i < 3000; i++)
        buf_printf(&big, "%s[1,2]", i ? "," : "");
    buf_puts(&big, "]}}]}");
    b = body(big.p);
    T_EQ_INT(dashboard_body_check(b, &chk), -1);
    T_EQ_INT(chk.nerrors, DASHBOARD_MAX_MESSAGES);
    m = dashboard_check_message(&chk);
    T_ASSERT(strncmp(m, "The dashboard body is invalid, there are 1000 validation errors:", 64)
             == 0);
    free(m);
    dashboard_check_free(&chk);
    free(b);
    buf_free(&big);
}

TEST(services_dashboards_model)
{
    char *b = body(
        "{'start':'-PT3H','widgets':["
        "{'type':'text','properties':{'markdown':'a'}},"
        "{'type':'metric','width':12,'properties':{'region':'r','metrics':["
        "['AWS/ECS','CPUUtilization','ClusterName','prod','ServiceName','web'],"
        "['.','.','.','.','ServiceName','api',{'stat':'p99'}],"
        "['.','MemoryUtilization','.','.','.','.'],"
        "[{'expression':'m1*2','id':'e1'}]]}},"
        "{'type':'text','x':20,'y':3,'width':4,'height':2,'properties':{'markdown':'b'}},"
        "{'type':'text','width':24,'height':1,'properties':{'markdown':'c'}},"
        "{'type':'text','x':18,'properties':{'markdown':'d'}}]}");
    cJSON *m = dashboard_body_model(b);
    T_ASSERT(m != NULL);
    char *s = cJSON_PrintUnformatted(m);
    char *want = body(
        "{'widgets':["
        "{'type':'text','x':0,'y':0,'width':6,'height':6,'properties':{'markdown':'a'}},"
        "{'type':'metric','x':6,'y':0,'width':12,'height':6,'properties':{'region':'r',"
        "'metrics':[['AWS/ECS','CPUUtilization','ClusterName','prod','ServiceName','web'],"
        "['.','.','.','.','ServiceName','api',{'stat':'p99'}],"
        "['.','MemoryUtilization','.','.','.','.'],"
        "[{'expression':'m1*2','id':'e1'}]]},'metrics':["
        "{'namespace':'AWS/ECS','metricName':'CPUUtilization','dimensions':["
        "{'name':'ClusterName','value':'prod'},{'name':'ServiceName','value':'web'}],"
        "'options':{}},"
        "{'namespace':'AWS/ECS','metricName':'CPUUtilization','dimensions':["
        "{'name':'ClusterName','value':'prod'},{'name':'ServiceName','value':'api'}],"
        "'options':{'stat':'p99'}},"
        "{'namespace':'AWS/ECS','metricName':'MemoryUtilization','dimensions':["
        "{'name':'ClusterName','value':'prod'},{'name':'ServiceName','value':'api'}],"
        "'options':{}},"
        "{'expression':'m1*2','options':{'expression':'m1*2','id':'e1'}}]},"
        "{'type':'text','x':20,'y':3,'width':4,'height':2,'properties':{'markdown':'b'}},"
        "{'type':'text','x':0,'y':6,'width':24,'height':1,'properties':{'markdown':'c'}},"
        "{'type':'text','x':18,'y':7,'width':6,'height':6,'properties':{'markdown':'d'}}],"
        "'variables':[],'start':'-PT3H','periodOverride':'auto'}");
    T_EQ_STR(s, want);
    free(s);
    free(want);
    cJSON_Delete(m);
    free(b);
    T_ASSERT(dashboard_body_model("{}") == NULL);
    T_ASSERT(dashboard_body_model("nope") == NULL);
}

static int listed;
static char listed_names[8][32];

static void collect(void *arg, const struct dashboard_row *row)
{
    (void)arg;
    T_ASSERT(row->body == NULL);
    if (listed < 8)
        snprintf(listed_names[listed], sizeof listed_names[0], "%s:%lld", row->name,
                 (long long)row->size);
    listed++;
}

/* Lists into listed_names; returns the count and sets *more. */
static int list(struct store *st, const char *account, const char *prefix, const char *after,
                int limit, int *more)
{
    listed = 0;
    T_EQ_INT(store_dashboard_list(st, account, prefix, after, limit, collect, NULL, more), 0);
    return listed;
}

TEST(services_dashboards_store)
{
    struct store *st;
    char *cause = NULL;
    T_EQ_INT(store_open(":memory:", &st, &cause), 0);
    const char *a = "111111111111", *b = "222222222222";
    T_EQ_INT(store_dashboard_put(st, a, "web-main", "{\"widgets\":[]}", 1000), 0);
    T_EQ_INT(store_dashboard_put(st, a, "web", "{\"widgets\":[ ]}", 2000), 0);
    T_EQ_INT(store_dashboard_put(st, a, "db", "{}", 3000), 0);
    T_EQ_INT(store_dashboard_put(st, a, "web_2", "{\"widgets\": []}", 4000), 0);
    T_EQ_INT(store_dashboard_put(st, b, "web", "theirs", 5000), 0);
    /* Replace keeps one row with the new body, size and time. */
    T_EQ_INT(store_dashboard_put(st, a, "db", "{\"widgets\":[]}", 6000), 0);

    struct dashboard_row r = {0};
    T_EQ_INT(store_dashboard_get(st, a, "db", &r), 0);
    T_EQ_STR(r.body, "{\"widgets\":[]}");
    T_EQ_INT(r.size, 14);
    T_EQ_INT(r.modified_ms, 6000);
    store_dashboard_clear(&r);
    T_EQ_INT(store_dashboard_get(st, b, "db", &r), 1);
    T_EQ_INT(store_dashboard_get(st, b, "web", &r), 0);
    T_EQ_STR(r.body, "theirs");
    store_dashboard_clear(&r);

    /* Name order (bytewise: '-' < '_'), prefixes, paging. */
    int more;
    T_EQ_INT(list(st, a, NULL, NULL, 1000, &more), 4);
    T_EQ_INT(more, 0);
    T_EQ_STR(listed_names[0], "db:14");
    T_EQ_STR(listed_names[1], "web:15");
    T_EQ_STR(listed_names[2], "web-main:14");
    T_EQ_STR(listed_names[3], "web_2:15");
    T_EQ_INT(list(st, a, "web", NULL, 1000, &more), 3);
    T_EQ_INT(list(st, a, "web-", NULL, 1000, &more), 1);
    T_EQ_INT(list(st, a, "we", NULL, 2, &more), 2);
    T_EQ_INT(more, 1);
    T_EQ_STR(listed_names[1], "web-main:14");
    T_EQ_INT(list(st, a, "we", "web-main", 2, &more), 1);
    T_EQ_INT(more, 0);
    T_EQ_STR(listed_names[0], "web_2:15");
    T_EQ_INT(list(st, a, "x", NULL, 10, &more), 0);
    T_EQ_INT(list(st, a, "", "db", 10, &more), 3);
    T_EQ_INT(list(st, b, NULL, NULL, 10, &more), 1);

    T_EQ_INT(store_dashboard_delete(st, a, "web"), 0);
    T_EQ_INT(store_dashboard_delete(st, a, "web"), 1);
    T_EQ_INT(store_dashboard_get(st, b, "web", &r), 0);
    store_dashboard_clear(&r);
    T_EQ_INT(list(st, a, NULL, NULL, 10, &more), 3);
    store_close(st);
}
