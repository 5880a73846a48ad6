/* check_template.c — unit tests for lib/core/template.c: mustache/spec cases plus errors, limits, files. */
#include "core/buf.h"
#include "core/template.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

/* One case of the official spec (https://github.com/mustache/spec). To keep the tables readable,
 * data and partials are JSON written with ' for " (a literal " in a value is \\\" in C); partials
 * is an object mapping partial names to their sources, or NULL. */
struct spec_case {
	const char *name;
	const char *tmpl;
	const char *data;
	const char *partials;
	const char *expected;
};

static const struct spec_case interpolation_cases[] = {
	{ "No Interpolation", "Hello from {Mustache}!\n", "{}", NULL, "Hello from {Mustache}!\n" },
	{ "Basic Interpolation", "Hello, {{subject}}!\n", "{'subject':'world'}", NULL, "Hello, world!\n" },
	{ "No Re-interpolation", "{{template}}: {{planet}}", "{'template':'{{planet}}','planet':'Earth'}",
	  NULL, "{{planet}}: Earth" },
	{ "HTML Escaping", "These characters should be HTML escaped: {{forbidden}}\n",
	  "{'forbidden':'& \\\" < >'}", NULL,
	  "These characters should be HTML escaped: &amp; &quot; &lt; &gt;\n" },
	{ "Triple Mustache", "These characters should not be HTML escaped: {{{forbidden}}}\n",
	  "{'forbidden':'& \\\" < >'}", NULL, "These characters should not be HTML escaped: & \" < >\n" },
	{ "Ampersand", "These characters should not be HTML escaped: {{&forbidden}}\n",
	  "{'forbidden':'& \\\" < >'}", NULL, "These characters should not be HTML escaped: & \" < >\n" },
	{ "Basic Integer Interpolation", "\"{{mph}} miles an hour!\"", "{'mph':85}", NULL,
	  "\"85 miles an hour!\"" },
	{ "Triple Mustache Integer Interpolation", "\"{{{mph}}} miles an hour!\"", "{'mph':85}", NULL,
	  "\"85 miles an hour!\"" },
	{ "Ampersand Integer Interpolation", "\"{{&mph}} miles an hour!\"", "{'mph':85}", NULL,
	  "\"85 miles an hour!\"" },
	{ "Basic Decimal Interpolation", "\"{{power}} jiggawatts!\"", "{'power':1.210}", NULL,
	  "\"1.21 jiggawatts!\"" },
	{ "Triple Mustache Decimal Interpolation", "\"{{{power}}} jiggawatts!\"", "{'power':1.210}", NULL,
	  "\"1.21 jiggawatts!\"" },
	{ "Ampersand Decimal Interpolation", "\"{{&power}} jiggawatts!\"", "{'power':1.210}", NULL,
	  "\"1.21 jiggawatts!\"" },
	{ "Basic Null Interpolation", "I ({{cannot}}) be seen!", "{'cannot':null}", NULL, "I () be seen!" },
	{ "Triple Mustache Null Interpolation", "I ({{{cannot}}}) be seen!", "{'cannot':null}", NULL,
	  "I () be seen!" },
	{ "Ampersand Null Interpolation", "I ({{&cannot}}) be seen!", "{'cannot':null}", NULL,
	  "I () be seen!" },
	{ "Basic Context Miss Interpolation", "I ({{cannot}}) be seen!", "{}", NULL, "I () be seen!" },
	{ "Triple Mustache Context Miss Interpolation", "I ({{{cannot}}}) be seen!", "{}", NULL,
	  "I () be seen!" },
	{ "Ampersand Context Miss Interpolation", "I ({{&cannot}}) be seen!", "{}", NULL, "I () be seen!" },
	{ "Dotted Names - Basic Interpolation", "\"{{person.name}}\" == \"{{#person}}{{name}}{{/person}}\"",
	  "{'person':{'name':'Joe'}}", NULL, "\"Joe\" == \"Joe\"" },
	{ "Dotted Names - Triple Mustache Interpolation",
	  "\"{{{person.name}}}\" == \"{{#person}}{{{name}}}{{/person}}\"", "{'person':{'name':'Joe'}}", NULL,
	  "\"Joe\" == \"Joe\"" },
	{ "Dotted Names - Ampersand Interpolation",
	  "\"{{&person.name}}\" == \"{{#person}}{{&name}}{{/person}}\"", "{'person':{'name':'Joe'}}", NULL,
	  "\"Joe\" == \"Joe\"" },
	{ "Dotted Names - Arbitrary Depth", "\"{{a.b.c.d.e.name}}\" == \"Phil\"",
	  "{'a':{'b':{'c':{'d':{'e':{'name':'Phil'}}}}}}", NULL, "\"Phil\" == \"Phil\"" },
	{ "Dotted Names - Broken Chains", "\"{{a.b.c}}\" == \"\"", "{'a':{}}", NULL, "\"\" == \"\"" },
	{ "Dotted Names - Broken Chain Resolution", "\"{{a.b.c.name}}\" == \"\"",
	  "{'a':{'b':{}},'c':{'name':'Jim'}}", NULL, "\"\" == \"\"" },
	{ "Dotted Names - Initial Resolution", "\"{{#a}}{{b.c.d.e.name}}{{/a}}\" == \"Phil\"",
	  "{'a':{'b':{'c':{'d':{'e':{'name':'Phil'}}}}},'b':{'c':{'d':{'e':{'name':'Wrong'}}}}}", NULL,
	  "\"Phil\" == \"Phil\"" },
	{ "Dotted Names - Context Precedence", "{{#a}}{{b.c}}{{/a}}", "{'a':{'b':{}},'b':{'c':'ERROR'}}",
	  NULL, "" },
	{ "Dotted Names are never single keys", "{{a.b}}", "{'a.b':'c'}", NULL, "" },
	{ "Dotted Names - No Masking", "{{a.b}}", "{'a.b':'c','a':{'b':'d'}}", NULL, "d" },
	{ "Implicit Iterators - Basic Interpolation", "Hello, {{.}}!\n", "'world'", NULL, "Hello, world!\n" },
	{ "Implicit Iterators - HTML Escaping", "These characters should be HTML escaped: {{.}}\n",
	  "'& \\\" < >'", NULL, "These characters should be HTML escaped: &amp; &quot; &lt; &gt;\n" },
	{ "Implicit Iterators - Triple Mustache", "These characters should not be HTML escaped: {{{.}}}\n",
	  "'& \\\" < >'", NULL, "These characters should not be HTML escaped: & \" < >\n" },
	{ "Implicit Iterators - Ampersand", "These characters should not be HTML escaped: {{&.}}\n",
	  "'& \\\" < >'", NULL, "These characters should not be HTML escaped: & \" < >\n" },
	{ "Implicit Iterators - Basic Integer Interpolation", "\"{{.}} miles an hour!\"", "85", NULL,
	  "\"85 miles an hour!\"" },
	{ "Interpolation - Surrounding Whitespace", "| {{string}} |", "{'string':'---'}", NULL, "| --- |" },
	{ "Triple Mustache - Surrounding Whitespace", "| {{{string}}} |", "{'string':'---'}", NULL,
	  "| --- |" },
	{ "Ampersand - Surrounding Whitespace", "| {{&string}} |", "{'string':'---'}", NULL, "| --- |" },
	{ "Interpolation - Standalone", "  {{string}}\n", "{'string':'---'}", NULL, "  ---\n" },
	{ "Triple Mustache - Standalone", "  {{{string}}}\n", "{'string':'---'}", NULL, "  ---\n" },
	{ "Ampersand - Standalone", "  {{&string}}\n", "{'string':'---'}", NULL, "  ---\n" },
	{ "Interpolation With Padding", "|{{ string }}|", "{'string':'---'}", NULL, "|---|" },
	{ "Triple Mustache With Padding", "|{{{ string }}}|", "{'string':'---'}", NULL, "|---|" },
	{ "Ampersand With Padding", "|{{& string }}|", "{'string':'---'}", NULL, "|---|" },
};

static const struct spec_case sections_cases[] = {
	{ "Truthy", "\"{{#boolean}}This should be rendered.{{/boolean}}\"", "{'boolean':true}", NULL,
	  "\"This should be rendered.\"" },
	{ "Falsey", "\"{{#boolean}}This should not be rendered.{{/boolean}}\"", "{'boolean':false}", NULL,
	  "\"\"" },
	{ "Null is falsey", "\"{{#null}}This should not be rendered.{{/null}}\"", "{'null':null}", NULL,
	  "\"\"" },
	{ "Context", "\"{{#context}}Hi {{name}}.{{/context}}\"", "{'context':{'name':'Joe'}}", NULL,
	  "\"Hi Joe.\"" },
	{ "Parent contexts", "\"{{#sec}}{{a}}, {{b}}, {{c.d}}{{/sec}}\"",
	  "{'a':'foo','b':'wrong','sec':{'b':'bar'},'c':{'d':'baz'}}", NULL, "\"foo, bar, baz\"" },
	{ "Variable test", "\"{{#foo}}{{.}} is {{foo}}{{/foo}}\"", "{'foo':'bar'}", NULL, "\"bar is bar\"" },
	{ "List Contexts",
	  "{{#tops}}{{#middles}}{{tname.lower}}{{mname}}.{{#bottoms}}{{tname.upper}}{{mname}}{{bname}}."
	  "{{/bottoms}}{{/middles}}{{/tops}}",
	  "{'tops':[{'tname':{'upper':'A','lower':'a'},'middles':[{'mname':'1','bottoms':[{'bname':'x'},"
	  "{'bname':'y'}]}]}]}",
	  NULL, "a1.A1x.A1y." },
	{ "Deeply Nested Contexts",
	  "{{#a}}\n{{one}}\n{{#b}}\n{{one}}{{two}}{{one}}\n{{#c}}\n{{one}}{{two}}{{three}}{{two}}{{one}}\n"
	  "{{#d}}\n{{one}}{{two}}{{three}}{{four}}{{three}}{{two}}{{one}}\n{{#five}}\n"
	  "{{one}}{{two}}{{three}}{{four}}{{five}}{{four}}{{three}}{{two}}{{one}}\n"
	  "{{one}}{{two}}{{three}}{{four}}{{.}}6{{.}}{{four}}{{three}}{{two}}{{one}}\n"
	  "{{one}}{{two}}{{three}}{{four}}{{five}}{{four}}{{three}}{{two}}{{one}}\n{{/five}}\n"
	  "{{one}}{{two}}{{three}}{{four}}{{three}}{{two}}{{one}}\n{{/d}}\n"
	  "{{one}}{{two}}{{three}}{{two}}{{one}}\n{{/c}}\n{{one}}{{two}}{{one}}\n{{/b}}\n{{one}}\n{{/a}}\n",
	  "{'a':{'one':1},'b':{'two':2},'c':{'three':3,'d':{'four':4,'five':5}}}", NULL,
	  "1\n121\n12321\n1234321\n123454321\n12345654321\n123454321\n1234321\n12321\n121\n1\n" },
	{ "List", "\"{{#list}}{{item}}{{/list}}\"", "{'list':[{'item':1},{'item':2},{'item':3}]}", NULL,
	  "\"123\"" },
	{ "Empty List", "\"{{#list}}Yay lists!{{/list}}\"", "{'list':[]}", NULL, "\"\"" },
	{ "Strings Not Lists", "\"{{#section}}foo{{/section}}\"", "{'section':'123'}", NULL, "\"foo\"" },
	{ "Doubled", "{{#bool}}\n* first\n{{/bool}}\n* {{two}}\n{{#bool}}\n* third\n{{/bool}}\n",
	  "{'bool':true,'two':'second'}", NULL, "* first\n* second\n* third\n" },
	{ "Nested (Truthy)", "| A {{#bool}}B {{#bool}}C{{/bool}} D{{/bool}} E |", "{'bool':true}", NULL,
	  "| A B C D E |" },
	{ "Nested (Falsey)", "| A {{#bool}}B {{#bool}}C{{/bool}} D{{/bool}} E |", "{'bool':false}", NULL,
	  "| A  E |" },
	{ "Context Misses", "[{{#missing}}Found key 'missing'!{{/missing}}]", "{}", NULL, "[]" },
	{ "Implicit Iterator - String", "\"{{#list}}({{.}}){{/list}}\"", "{'list':['a','b','c','d','e']}",
	  NULL, "\"(a)(b)(c)(d)(e)\"" },
	{ "Implicit Iterator - Integer", "\"{{#list}}({{.}}){{/list}}\"", "{'list':[1,2,3,4,5]}", NULL,
	  "\"(1)(2)(3)(4)(5)\"" },
	{ "Implicit Iterator - Decimal", "\"{{#list}}({{.}}){{/list}}\"", "{'list':[1.10,2.20,3.30,4.40,5.50]}",
	  NULL, "\"(1.1)(2.2)(3.3)(4.4)(5.5)\"" },
	{ "Implicit Iterator - Array", "\"{{#list}}({{#.}}{{.}}{{/.}}){{/list}}\"",
	  "{'list':[[1,2,3],['a','b','c']]}", NULL, "\"(123)(abc)\"" },
	{ "Implicit Iterator - HTML Escaping", "\"{{#list}}({{.}}){{/list}}\"", "{'list':['&','\\\"','<','>']}",
	  NULL, "\"(&amp;)(&quot;)(&lt;)(&gt;)\"" },
	{ "Implicit Iterator - Triple mustache", "\"{{#list}}({{{.}}}){{/list}}\"",
	  "{'list':['&','\\\"','<','>']}", NULL, "\"(&)(\")(<)(>)\"" },
	{ "Implicit Iterator - Ampersand", "\"{{#list}}({{&.}}){{/list}}\"", "{'list':['&','\\\"','<','>']}",
	  NULL, "\"(&)(\")(<)(>)\"" },
	{ "Implicit Iterator - Root-level", "\"{{#.}}({{value}}){{/.}}\"", "[{'value':'a'},{'value':'b'}]",
	  NULL, "\"(a)(b)\"" },
	{ "Dotted Names - Truthy", "\"{{#a.b.c}}Here{{/a.b.c}}\" == \"Here\"", "{'a':{'b':{'c':true}}}", NULL,
	  "\"Here\" == \"Here\"" },
	{ "Dotted Names - Falsey", "\"{{#a.b.c}}Here{{/a.b.c}}\" == \"\"", "{'a':{'b':{'c':false}}}", NULL,
	  "\"\" == \"\"" },
	{ "Dotted Names - Broken Chains", "\"{{#a.b.c}}Here{{/a.b.c}}\" == \"\"", "{'a':{}}", NULL,
	  "\"\" == \"\"" },
	{ "Surrounding Whitespace", " | {{#boolean}}\t|\t{{/boolean}} | \n", "{'boolean':true}", NULL,
	  " | \t|\t | \n" },
	{ "Internal Whitespace", " | {{#boolean}} {{! Important Whitespace }}\n {{/boolean}} | \n",
	  "{'boolean':true}", NULL, " |  \n  | \n" },
	{ "Indented Inline Sections", " {{#boolean}}YES{{/boolean}}\n {{#boolean}}GOOD{{/boolean}}\n",
	  "{'boolean':true}", NULL, " YES\n GOOD\n" },
	{ "Standalone Lines", "| This Is\n{{#boolean}}\n|\n{{/boolean}}\n| A Line\n", "{'boolean':true}", NULL,
	  "| This Is\n|\n| A Line\n" },
	{ "Indented Standalone Lines", "| This Is\n  {{#boolean}}\n|\n  {{/boolean}}\n| A Line\n",
	  "{'boolean':true}", NULL, "| This Is\n|\n| A Line\n" },
	{ "Standalone Line Endings", "|\r\n{{#boolean}}\r\n{{/boolean}}\r\n|", "{'boolean':true}", NULL,
	  "|\r\n|" },
	{ "Standalone Without Previous Line", "  {{#boolean}}\n#{{/boolean}}\n/", "{'boolean':true}", NULL,
	  "#\n/" },
	{ "Standalone Without Newline", "#{{#boolean}}\n/\n  {{/boolean}}", "{'boolean':true}", NULL,
	  "#\n/\n" },
	{ "Padding", "|{{# boolean }}={{/ boolean }}|", "{'boolean':true}", NULL, "|=|" },
};

static const struct spec_case inverted_cases[] = {
	{ "Falsey", "\"{{^boolean}}This should be rendered.{{/boolean}}\"", "{'boolean':false}", NULL,
	  "\"This should be rendered.\"" },
	{ "Truthy", "\"{{^boolean}}This should not be rendered.{{/boolean}}\"", "{'boolean':true}", NULL,
	  "\"\"" },
	{ "Null is falsey", "\"{{^null}}This should be rendered.{{/null}}\"", "{'null':null}", NULL,
	  "\"This should be rendered.\"" },
	{ "Context", "\"{{^context}}Hi {{name}}.{{/context}}\"", "{'context':{'name':'Joe'}}", NULL, "\"\"" },
	{ "List", "\"{{^list}}{{n}}{{/list}}\"", "{'list':[{'n':1},{'n':2},{'n':3}]}", NULL, "\"\"" },
	{ "Empty List", "\"{{^list}}Yay lists!{{/list}}\"", "{'list':[]}", NULL, "\"Yay lists!\"" },
	{ "Doubled", "{{^bool}}\n* first\n{{/bool}}\n* {{two}}\n{{^bool}}\n* third\n{{/bool}}\n",
	  "{'bool':false,'two':'second'}", NULL, "* first\n* second\n* third\n" },
	{ "Nested (Falsey)", "| A {{^bool}}B {{^bool}}C{{/bool}} D{{/bool}} E |", "{'bool':false}", NULL,
	  "| A B C D E |" },
	{ "Nested (Truthy)", "| A {{^bool}}B {{^bool}}C{{/bool}} D{{/bool}} E |", "{'bool':true}", NULL,
	  "| A  E |" },
	{ "Context Misses", "[{{^missing}}Cannot find key 'missing'!{{/missing}}]", "{}", NULL,
	  "[Cannot find key 'missing'!]" },
	{ "Dotted Names - Truthy", "\"{{^a.b.c}}Not Here{{/a.b.c}}\" == \"\"", "{'a':{'b':{'c':true}}}", NULL,
	  "\"\" == \"\"" },
	{ "Dotted Names - Falsey", "\"{{^a.b.c}}Not Here{{/a.b.c}}\" == \"Not Here\"",
	  "{'a':{'b':{'c':false}}}", NULL, "\"Not Here\" == \"Not Here\"" },
	{ "Dotted Names - Broken Chains", "\"{{^a.b.c}}Not Here{{/a.b.c}}\" == \"Not Here\"", "{'a':{}}",
	  NULL, "\"Not Here\" == \"Not Here\"" },
	{ "Surrounding Whitespace", " | {{^boolean}}\t|\t{{/boolean}} | \n", "{'boolean':false}", NULL,
	  " | \t|\t | \n" },
	{ "Internal Whitespace", " | {{^boolean}} {{! Important Whitespace }}\n {{/boolean}} | \n",
	  "{'boolean':false}", NULL, " |  \n  | \n" },
	{ "Indented Inline Sections", " {{^boolean}}NO{{/boolean}}\n {{^boolean}}WAY{{/boolean}}\n",
	  "{'boolean':false}", NULL, " NO\n WAY\n" },
	{ "Standalone Lines", "| This Is\n{{^boolean}}\n|\n{{/boolean}}\n| A Line\n", "{'boolean':false}",
	  NULL, "| This Is\n|\n| A Line\n" },
	{ "Standalone Indented Lines", "| This Is\n  {{^boolean}}\n|\n  {{/boolean}}\n| A Line\n",
	  "{'boolean':false}", NULL, "| This Is\n|\n| A Line\n" },
	{ "Standalone Line Endings", "|\r\n{{^boolean}}\r\n{{/boolean}}\r\n|", "{'boolean':false}", NULL,
	  "|\r\n|" },
	{ "Standalone Without Previous Line", "  {{^boolean}}\n^{{/boolean}}\n/", "{'boolean':false}", NULL,
	  "^\n/" },
	{ "Standalone Without Newline", "^{{^boolean}}\n/\n  {{/boolean}}", "{'boolean':false}", NULL,
	  "^\n/\n" },
	{ "Padding", "|{{^ boolean }}={{/ boolean }}|", "{'boolean':false}", NULL, "|=|" },
};

static const struct spec_case comments_cases[] = {
	{ "Inline", "12345{{! Comment Block! }}67890", "{}", NULL, "1234567890" },
	{ "Multiline", "12345{{!\n  This is a\n  multi-line comment...\n}}67890\n", "{}", NULL,
	  "1234567890\n" },
	{ "Standalone", "Begin.\n{{! Comment Block! }}\nEnd.\n", "{}", NULL, "Begin.\nEnd.\n" },
	{ "Indented Standalone", "Begin.\n  {{! Indented Comment Block! }}\nEnd.\n", "{}", NULL,
	  "Begin.\nEnd.\n" },
	{ "Standalone Line Endings", "|\r\n{{! Standalone Comment }}\r\n|", "{}", NULL, "|\r\n|" },
	{ "Standalone Without Previous Line", "  {{! I'm Still Standalone }}\n!", "{}", NULL, "!" },
	{ "Standalone Without Newline", "!\n  {{! I'm Still Standalone }}", "{}", NULL, "!\n" },
	{ "Multiline Standalone", "Begin.\n{{!\nSomething's going on here...\n}}\nEnd.\n", "{}", NULL,
	  "Begin.\nEnd.\n" },
	{ "Indented Multiline Standalone", "Begin.\n  {{!\n    Something's going on here...\n  }}\nEnd.\n",
	  "{}", NULL, "Begin.\nEnd.\n" },
	{ "Indented Inline", "  12 {{! 34 }}\n", "{}", NULL, "  12 \n" },
	{ "Surrounding Whitespace", "12345 {{! Comment Block! }} 67890", "{}", NULL, "12345  67890" },
	{ "Variable Name Collision", "comments never show: >{{! comment }}<",
	  "{'! comment':1,'! comment ':2,'!comment':3,'comment':4}", NULL, "comments never show: ><" },
};

static const struct spec_case partials_cases[] = {
	{ "Basic Behavior", "\"{{>text}}\"", "{}", "{'text':'from partial'}", "\"from partial\"" },
	{ "Failed Lookup", "\"{{>text}}\"", "{}", "{}", "\"\"" },
	{ "Context", "\"{{>partial}}\"", "{'text':'content'}", "{'partial':'*{{text}}*'}", "\"*content*\"" },
	{ "Recursion", "{{>node}}", "{'content':'X','nodes':[{'content':'Y','nodes':[]}]}",
	  "{'node':'{{content}}<{{#nodes}}{{>node}}{{/nodes}}>'}", "X<Y<>>" },
	{ "Nested", "{{>outer}}", "{'a':'hello','b':'world'}", "{'outer':'*{{a}} {{>inner}}*','inner':'{{b}}!'}",
	  "*hello world!*" },
	{ "Surrounding Whitespace", "| {{>partial}} |", "{}", "{'partial':'\\t|\\t'}", "| \t|\t |" },
	{ "Inline Indentation", "  {{data}}  {{> partial}}\n", "{'data':'|'}", "{'partial':'>\\n>'}",
	  "  |  >\n>\n" },
	{ "Standalone Line Endings", "|\r\n{{>partial}}\r\n|", "{}", "{'partial':'>'}", "|\r\n>|" },
	{ "Standalone Without Previous Line", "  {{>partial}}\n>", "{}", "{'partial':'>\\n>'}", "  >\n  >>" },
	{ "Standalone Without Newline", ">\n  {{>partial}}", "{}", "{'partial':'>\\n>'}", ">\n  >\n  >" },
	{ "Standalone Indentation", "\\\n {{>partial}}\n/\n", "{'content':'<\\n->'}",
	  "{'partial':'|\\n{{{content}}}\\n|\\n'}", "\\\n |\n <\n->\n |\n/\n" },
	{ "Padding Whitespace", "|{{> partial }}|", "{'boolean':true}", "{'partial':'[]'}", "|[]|" },
};

/* Behaviour of this engine beyond (or pinned down where the spec is silent). */
static const struct spec_case extra_cases[] = {
	{ "numbers", "{{a}} {{b}} {{c}} {{d}} {{e}} {{f}} {{g}}",
	  "{'a':1.5,'b':-2,'c':0.1,'d':12345678901234,'e':1e21,'f':0.30000000000000004,'g':0}", NULL,
	  "1.5 -2 0.1 12345678901234 1e+21 0.30000000000000004 0" },
	{ "true and containers", "[{{t}}|{{f}}|{{o}}|{{a}}]", "{'t':true,'f':false,'o':{'x':1},'a':[1]}",
	  NULL, "[true|||]" },
	{ "all escaped characters", "{{s}}", "{'s':'<a href=\\\"x\\\">&\\u0027`=</a>'}", NULL,
	  "&lt;a href&#61;&quot;x&quot;&gt;&amp;&#39;&#96;&#61;&lt;/a&gt;" },
	{ "scalar sections push the value", "{{#n}}<{{.}}>{{/n}}{{#s}}<{{.}}>{{/s}}{{#o}}<{{k}}>{{/o}}",
	  "{'n':0,'s':'','o':{'k':'v'}}", NULL, "<0><><v>" },
	{ "inverted on missing, null, empty list", "{{^m}}m{{/m}}{{^n}}n{{/n}}{{^l}}l{{/l}}{{^o}}o{{/o}}",
	  "{'n':null,'l':[],'o':{}}", NULL, "mnl" },
	{ "non-object root", "[{{a}}]{{#.}}x{{/.}}", "[1,2]", NULL, "[]xx" },
	{ "partial names with slashes", "<{{> partials/header }}>", "{'t':'T'}",
	  "{'partials/header':'h{{t}}'}", "<hT>" },
	{ "standalone partial in a loop keeps indentation", "<ul>\n  {{>items}}\n</ul>\n", "{'list':[1,2]}",
	  "{'items':'{{#list}}\\n<li>{{.}}</li>\\n{{/list}}\\n'}", "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n" },
	{ "nested standalone partials add their indentation", "    {{>outer}}\n", "{}",
	  "{'outer':'a\\n  {{>inner}}\\nb\\n','inner':'1\\n2\\n'}", "    a\n      1\n      2\n    b\n" },
	{ "inline closing tag in an indented partial", " {{>p}}\n", "{'a':true}",
	  "{'p':'{{#a}}\\nx\\n{{/a}}y\\n'}", " x\n y\n" },
	{ "CRLF standalone partial indentation", "a\r\n  {{>p}}\r\nb", "{}", "{'p':'1\\r\\n2\\r\\n'}",
	  "a\r\n  1\r\n  2\r\nb" },
	{ "standalone missing partial removes its line", "a\n  {{>nope}}\nb\n", "{}", "{}", "a\nb\n" },
	{ "two block tags on a line are not standalone", "{{#a}}{{/a}}\nx", "{'a':true}", NULL, "\nx" },
	{ "tag at end of text without newline", "x{{v}}", "{'v':'y'}", NULL, "xy" },
	{ "lone braces are text", "{ } }} {x} {{v}}}", "{'v':'y'}", NULL, "{ } }} {x} y}" },
};

/* Returns JSON with every ' turned into "; the caller frees it. */
static char *dq(const char *s)
{
	char *d = strdup(s);
	ck_assert_ptr_nonnull(d);
	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

static cJSON *parse(const char *quoted)
{
	char *json = dq(quoted);
	cJSON *v = cJSON_Parse(json);
	ck_assert_msg(v != NULL, "bad test JSON: %s", json);
	free(json);
	return v;
}

static void run_case(const char *group, const struct spec_case *c)
{
	mq_tmpl_set *set = mq_tmpl_set_new();
	mq_buf out = MQ_BUF_INIT, err = MQ_BUF_INIT;
	cJSON *data = parse(c->data), *partials = NULL, *p;

	if (c->partials) {
		partials = parse(c->partials);
		cJSON_ArrayForEach(p, partials) {
			ck_assert_msg(mq_tmpl_set_add(set, p->string, p->valuestring, strlen(p->valuestring),
						      &err) == 0, "%s: %s: partial: %s", group, c->name,
				      mq_buf_cstr(&err));
		}
	}
	ck_assert_msg(mq_tmpl_set_add(set, "test", c->tmpl, strlen(c->tmpl), &err) == 0, "%s: %s: %s", group,
		      c->name, mq_buf_cstr(&err));
	ck_assert_msg(mq_tmpl_render(set, "test", data, &out, &err) == 0, "%s: %s: %s", group, c->name,
		      mq_buf_cstr(&err));
	ck_assert_msg(strcmp(mq_buf_cstr(&out), c->expected) == 0, "%s: %s: got [%s] want [%s]", group,
		      c->name, mq_buf_cstr(&out), c->expected);
	cJSON_Delete(partials);
	cJSON_Delete(data);
	mq_buf_free(&out);
	mq_buf_free(&err);
	mq_tmpl_set_free(set);
}

START_TEST(spec_interpolation)
{
	run_case("interpolation", &interpolation_cases[_i]);
}
END_TEST

START_TEST(spec_sections)
{
	run_case("sections", &sections_cases[_i]);
}
END_TEST

START_TEST(spec_inverted)
{
	run_case("inverted", &inverted_cases[_i]);
}
END_TEST

START_TEST(spec_comments)
{
	run_case("comments", &comments_cases[_i]);
}
END_TEST

START_TEST(spec_partials)
{
	run_case("partials", &partials_cases[_i]);
}
END_TEST

START_TEST(extra)
{
	run_case("extra", &extra_cases[_i]);
}
END_TEST

/* Compile errors: the message is "name:line: problem" and nothing is added to the set. */
static const struct {
	const char *src;
	const char *err;
} error_cases[] = {
	{ "a\n{{#items}}\nx\n", "t:2: unclosed section 'items'" },
	{ "{{#a}}\n{{^b}}\n{{/b}}\n", "t:1: unclosed section 'a'" },
	{ "{{#a}}\n{{/b}}", "t:2: closing tag 'b' does not match section 'a'" },
	{ "x\n\n{{/a}}", "t:3: closing tag 'a' without an open section" },
	{ "ok\n{{name", "t:2: unclosed tag" },
	{ "{{{x}}", "t:1: unclosed tag" },
	{ "a\n{{ }}", "t:2: empty tag" },
	{ "{{#}}{{/}}", "t:1: empty tag" },
	{ "{{{ }}}", "t:1: empty tag" },
	{ "{{a..b}}", "t:1: invalid name 'a..b'" },
	{ "{{a b}}", "t:1: invalid name 'a b'" },
	{ "{{.a}}", "t:1: invalid name '.a'" },
	{ "{{#a.}}{{/a.}}", "t:1: invalid name 'a.'" },
	{ "{{> a b}}", "t:1: invalid partial name 'a b'" },
	{ "{{#a}}{{/a b}}", "t:1: invalid name 'a b'" },
	{ "\n\n\n{{=<% %>=}}", "t:4: set-delimiter tags are not supported" },
};

START_TEST(compile_errors)
{
	mq_tmpl_set *set = mq_tmpl_set_new();
	mq_buf err = MQ_BUF_INIT;

	ck_assert_int_eq(mq_tmpl_set_add(set, "t", error_cases[_i].src, strlen(error_cases[_i].src), &err), -1);
	ck_assert_str_eq(mq_buf_cstr(&err), error_cases[_i].err);
	ck_assert_int_eq(mq_tmpl_exists(set, "t"), 0);
	mq_buf_free(&err);
	mq_tmpl_set_free(set);
}
END_TEST

START_TEST(nesting_limit)
{
	mq_tmpl_set *set = mq_tmpl_set_new();
	mq_buf src = MQ_BUF_INIT, err = MQ_BUF_INIT, out = MQ_BUF_INIT;

	for (int i = 0; i < 64; i++)
		mq_buf_puts(&src, "{{#a}}");
	mq_buf_puts(&src, "x");
	for (int i = 0; i < 64; i++)
		mq_buf_puts(&src, "{{/a}}");
	ck_assert_int_eq(mq_tmpl_set_add(set, "t", src.data, src.len, &err), 0);
	ck_assert_int_eq(mq_tmpl_render(set, "t", NULL, &out, &err), 0);
	ck_assert_str_eq(mq_buf_cstr(&out), "");

	mq_buf_reset(&src);
	for (int i = 0; i < 65; i++)
		mq_buf_puts(&src, "{{^a}}");
	ck_assert_int_eq(mq_tmpl_set_add(set, "t", src.data, src.len, &err), -1);
	ck_assert_str_eq(mq_buf_cstr(&err), "t:1: sections nested deeper than 64");
	mq_buf_free(&src);
	mq_buf_free(&err);
	mq_buf_free(&out);
	mq_tmpl_set_free(set);
}
END_TEST

START_TEST(failed_add_keeps_old)
{
	mq_tmpl_set *set = mq_tmpl_set_new();
	mq_buf err = MQ_BUF_INIT, out = MQ_BUF_INIT;

	ck_assert_int_eq(mq_tmpl_set_add(set, "t", "old", 3, &err), 0);
	ck_assert_int_eq(mq_tmpl_set_add(set, "t", "{{#x}}", 6, &err), -1);
	ck_assert_int_eq(mq_tmpl_render(set, "t", NULL, &out, &err), 0);
	ck_assert_str_eq(mq_buf_cstr(&out), "old");
	ck_assert_int_eq(mq_tmpl_set_add(set, "t", "new{{v}}", 8, &err), 0);
	mq_buf_reset(&out);
	ck_assert_int_eq(mq_tmpl_render(set, "t", NULL, &out, &err), 0);
	ck_assert_str_eq(mq_buf_cstr(&out), "new");
	mq_buf_free(&err);
	mq_buf_free(&out);
	mq_tmpl_set_free(set);
}
END_TEST

START_TEST(source_length_is_respected)
{
	mq_tmpl_set *set = mq_tmpl_set_new();
	mq_buf err = MQ_BUF_INIT, out = MQ_BUF_INIT;
	static const char src[] = "Hi {{v}}!{{#unclosed}}";
	cJSON *data = parse("{'v':'you'}");

	ck_assert_int_eq(mq_tmpl_set_add(set, "t", src, 9, &err), 0);
	ck_assert_int_eq(mq_tmpl_set_add(set, "empty", NULL, 0, &err), 0);
	ck_assert_int_eq(mq_tmpl_render(set, "t", data, &out, &err), 0);
	ck_assert_int_eq(mq_tmpl_render(set, "empty", data, &out, &err), 0);
	ck_assert_str_eq(mq_buf_cstr(&out), "Hi you!");
	cJSON_Delete(data);
	mq_buf_free(&err);
	mq_buf_free(&out);
	mq_tmpl_set_free(set);
}
END_TEST

START_TEST(missing_template)
{
	mq_tmpl_set *set = mq_tmpl_set_new();
	mq_buf err = MQ_BUF_INIT, out = MQ_BUF_INIT;

	mq_buf_puts(&out, "kept");
	ck_assert_int_eq(mq_tmpl_exists(set, "nope"), 0);
	ck_assert_int_eq(mq_tmpl_render(set, "nope", NULL, &out, &err), -1);
	ck_assert_str_eq(mq_buf_cstr(&err), "no template 'nope'");
	ck_assert_str_eq(mq_buf_cstr(&out), "kept");
	ck_assert_int_eq(mq_tmpl_set_add(set, "b", "", 0, &err), 0);
	ck_assert_int_eq(mq_tmpl_set_add(set, "a", "", 0, &err), 0);
	ck_assert_int_eq(mq_tmpl_set_add(set, "c", "", 0, &err), 0);
	ck_assert_int_eq(mq_tmpl_exists(set, "a") + mq_tmpl_exists(set, "b") + mq_tmpl_exists(set, "c"), 3);
	ck_assert_int_eq(mq_tmpl_exists(set, "d"), 0);
	mq_buf_free(&err);
	mq_buf_free(&out);
	mq_tmpl_set_free(set);
	mq_tmpl_set_free(NULL);
}
END_TEST

START_TEST(partial_recursion_limit)
{
	mq_tmpl_set *set = mq_tmpl_set_new();
	mq_buf err = MQ_BUF_INIT, out = MQ_BUF_INIT;
	char name[16], src[32];

	ck_assert_int_eq(mq_tmpl_set_add(set, "self", "x{{>self}}", 10, &err), 0);
	mq_buf_puts(&out, "before");
	ck_assert_int_eq(mq_tmpl_render(set, "self", NULL, &out, &err), -1);
	ck_assert_str_eq(mq_buf_cstr(&err), "partial 'self': partials nested deeper than 32 levels");
	ck_assert_str_eq(mq_buf_cstr(&out), "before");

	/* top -> p1 -> ... -> p32 is 32 levels of partials: allowed; p33 is one too many. */
	for (int i = 1; i <= 33; i++) {
		snprintf(name, sizeof name, "p%d", i);
		snprintf(src, sizeof src, "%d{{>p%d}}", i, i + 1);
		ck_assert_int_eq(mq_tmpl_set_add(set, name, src, strlen(src), &err), 0);
	}
	ck_assert_int_eq(mq_tmpl_set_add(set, "top", "{{>p1}}", 7, &err), 0);
	ck_assert_int_eq(mq_tmpl_render(set, "top", NULL, &out, &err), -1);
	ck_assert_int_eq(mq_tmpl_set_add(set, "p33", "end", 3, &err), 0);
	ck_assert_int_eq(mq_tmpl_render(set, "top", NULL, &out, &err), -1);
	ck_assert_int_eq(mq_tmpl_set_add(set, "p32", "32", 2, &err), 0);
	mq_buf_reset(&out);
	ck_assert_int_eq(mq_tmpl_render(set, "top", NULL, &out, &err), 0);
	ck_assert_str_eq(mq_buf_cstr(&out), "1234567891011121314151617181920212223242526272829303132");
	mq_buf_free(&err);
	mq_buf_free(&out);
	mq_tmpl_set_free(set);
}
END_TEST

static void write_file(const char *dir, const char *rel, const char *content, size_t len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(content, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static void remove_path(const char *dir, const char *rel)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	ck_assert_int_eq(remove(path), 0);
}

START_TEST(load_dir)
{
	char dir[] = "/tmp/check_template.XXXXXX", sub[600];
	mq_tmpl_set *set = mq_tmpl_set_new();
	mq_buf err = MQ_BUF_INIT, out = MQ_BUF_INIT;
	cJSON *data = parse("{'title':'Films'}");

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof sub, "%s/partials", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	write_file(dir, "home.mustache", "{{>partials/header}}\nbody\n", 26);
	write_file(dir, "partials/header.mustache", "<h1>{{title}}</h1>", 18);
	write_file(dir, "notes.txt", "{{#", 3);
	write_file(dir, ".hidden.mustache", "{{#", 3);

	ck_assert_int_eq(mq_tmpl_set_load_dir(set, dir, &err), 0);
	ck_assert_int_eq(mq_tmpl_exists(set, "home"), 1);
	ck_assert_int_eq(mq_tmpl_exists(set, "partials/header"), 1);
	ck_assert_int_eq(mq_tmpl_exists(set, "notes"), 0);
	ck_assert_int_eq(mq_tmpl_render(set, "home", data, &out, &err), 0);
	ck_assert_str_eq(mq_buf_cstr(&out), "<h1>Films</h1>body\n");

	/* A compile error names the file and line. */
	write_file(dir, "partials/bad.mustache", "ok\n{{#x}}\n", 10);
	ck_assert_int_eq(mq_tmpl_set_load_dir(set, dir, &err), -1);
	mq_buf_reset(&out);
	mq_buf_printf(&out, "%s/partials/bad.mustache:2: unclosed section 'x'", dir);
	ck_assert_str_eq(mq_buf_cstr(&err), mq_buf_cstr(&out));
	remove_path(dir, "partials/bad.mustache");

	/* Over 1 MiB is an error; exactly 1 MiB is not. */
	char *big = malloc(MQ_TMPL_MAX_FILE + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', MQ_TMPL_MAX_FILE + 1);
	write_file(dir, "big.mustache", big, MQ_TMPL_MAX_FILE);
	ck_assert_int_eq(mq_tmpl_set_load_dir(set, dir, &err), 0);
	write_file(dir, "big.mustache", big, MQ_TMPL_MAX_FILE + 1);
	free(big);
	ck_assert_int_eq(mq_tmpl_set_load_dir(set, dir, &err), -1);
	ck_assert_ptr_nonnull(strstr(mq_buf_cstr(&err), "big.mustache: larger than 1048576 bytes"));

	remove_path(dir, "big.mustache");
	remove_path(dir, "home.mustache");
	remove_path(dir, "partials/header.mustache");
	remove_path(dir, "notes.txt");
	remove_path(dir, ".hidden.mustache");
	remove_path(dir, "partials");
	remove_path(dir, "");

	ck_assert_int_eq(mq_tmpl_set_load_dir(set, dir, &err), -1);
	ck_assert_ptr_nonnull(strstr(mq_buf_cstr(&err), "No such file or directory"));
	cJSON_Delete(data);
	mq_buf_free(&err);
	mq_buf_free(&out);
	mq_tmpl_set_free(set);
}
END_TEST

/* The shared runner declares it too; this prototype keeps -Wmissing-prototypes quiet. */
#include "suites.h"

Suite *template_suite(void)
{
	Suite *s = suite_create("template");
	TCase *spec = tcase_create("spec");
	TCase *more = tcase_create("engine");

	tcase_add_loop_test(spec, spec_interpolation, 0, N_CASES(interpolation_cases));
	tcase_add_loop_test(spec, spec_sections, 0, N_CASES(sections_cases));
	tcase_add_loop_test(spec, spec_inverted, 0, N_CASES(inverted_cases));
	tcase_add_loop_test(spec, spec_comments, 0, N_CASES(comments_cases));
	tcase_add_loop_test(spec, spec_partials, 0, N_CASES(partials_cases));
	suite_add_tcase(s, spec);

	tcase_add_loop_test(more, extra, 0, N_CASES(extra_cases));
	tcase_add_loop_test(more, compile_errors, 0, N_CASES(error_cases));
	tcase_add_test(more, nesting_limit);
	tcase_add_test(more, failed_add_keeps_old);
	tcase_add_test(more, source_length_is_respected);
	tcase_add_test(more, missing_template);
	tcase_add_test(more, partial_recursion_limit);
	tcase_add_test(more, load_dir);
	tcase_set_timeout(more, 30);
	suite_add_tcase(s, more);
	return s;
}
